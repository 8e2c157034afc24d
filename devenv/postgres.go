package devenv

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lib/pq"
)

// Postgres is a private PostgreSQL cluster living in one directory:
//
//	DIR/data          the cluster (PGDATA)
//	DIR/port          the port chosen on first start, reused while free
//	DIR/.s.PGSQL.N    the unix socket
//	DIR/postgres.log  the server's log
//
// It listens on 127.0.0.1 only, with trust authentication for user postgres.
type Postgres struct {
	Dir  string // the cluster directory (absolute)
	Port int    // the TCP port on 127.0.0.1

	bin  string    // directory of initdb, pg_ctl and postgres
	log  io.Writer // where command output goes
	fast bool      // the tests' cluster: durability traded for speed
}

// URL returns a lib/pq URL for database dbname as user postgres.
func (p *Postgres) URL(dbname string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.Port, url.PathEscape(dbname))
}

// CreateDatabase creates database name unless it exists.
func (p *Postgres) CreateDatabase(ctx context.Context, name string) error {
	db, err := sql.Open("postgres", p.URL("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	var exists bool
	if err := db.QueryRowContext(ctx, `select exists(select 1 from pg_database where datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("devenv: look up database %q: %w", name, err)
	}
	if exists {
		return nil
	}
	_, err = db.ExecContext(ctx, "create database "+pq.QuoteIdentifier(name))
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "42P04" { // duplicate_database: created meanwhile
		return nil
	}
	if err != nil {
		return fmt.Errorf("devenv: create database %q: %w", name, err)
	}
	return nil
}

// Stop shuts the cluster down (fast mode: open sessions are ended). Stopping
// a stopped cluster does nothing.
func (p *Postgres) Stop() error {
	if _, ok := p.running(); !ok {
		return nil
	}
	return p.run(context.Background(), "pg_ctl", "stop", "-D", p.data(), "-m", "fast", "-w", "-t", "60")
}

func (p *Postgres) data() string { return filepath.Join(p.Dir, "data") }

// StartPostgres starts (creating on first use) the private cluster in dir
// and returns once it accepts connections. It reuses an initialized cluster
// and the port it had, picking a new port if that one is taken; if the
// cluster is already running it is adopted as is. A postmaster.pid left by a
// crash is removed. When no PostgreSQL binaries are installed it installs
// Debian's postgresql package. As root, the server runs as user postgres.
// Command output goes to log (nil: discarded); the server logs to
// dir/postgres.log.
//
// The cluster is durable: `make run` keeps what it acknowledged across a crash.
func StartPostgres(ctx context.Context, dir string, log io.Writer) (*Postgres, error) {
	return startPostgres(ctx, dir, log, false)
}

func startPostgres(ctx context.Context, dir string, log io.Writer, fast bool) (*Postgres, error) {
	if log == nil {
		log = io.Discard
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p := &Postgres{Dir: dir, log: log, fast: fast}
	version, _ := os.ReadFile(filepath.Join(p.data(), "PG_VERSION"))
	if p.bin, err = postgresBin(ctx, strings.TrimSpace(string(version)), log); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		if err := p.giveToPostgresUser(); err != nil {
			return nil, err
		}
	}
	if len(version) == 0 {
		if err := p.initdb(ctx); err != nil {
			return nil, err
		}
	}
	if port, ok := p.running(); ok {
		fmt.Fprintf(log, "devenv: postgres in %s is already running on port %d\n", dir, port)
		p.Port = port
		return p, p.waitReady(ctx)
	}
	portFile := filepath.Join(dir, "port")
	saved, _ := os.ReadFile(portFile)
	p.Port, _ = strconv.Atoi(strings.TrimSpace(string(saved)))
	for attempt := 0; ; attempt++ {
		if p.Port == 0 || !portFree(p.Port) {
			if p.Port, err = FreePort(); err != nil {
				return nil, err
			}
		}
		if err := os.WriteFile(portFile, []byte(strconv.Itoa(p.Port)+"\n"), 0o644); err != nil {
			return nil, err
		}
		fmt.Fprintf(log, "devenv: starting postgres in %s on 127.0.0.1:%d\n", dir, p.Port)
		err = p.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", p.data(),
			"-l", filepath.Join(dir, "postgres.log"), "-o", p.serverOptions())
		if err == nil {
			return p, p.waitReady(ctx)
		}
		// Someone may have taken the port between our check and the start.
		if attempt == 2 || portFree(p.Port) {
			logTail, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			if len(logTail) > 2000 {
				logTail = logTail[len(logTail)-2000:]
			}
			return nil, fmt.Errorf("%w\npostgres.log:\n%s", err, logTail)
		}
	}
}

// serverOptions are the postgres settings passed through pg_ctl -o, which
// hands them to a shell. Only the tests' cluster trades durability for speed;
// a development cluster keeps every commit it acknowledged (a kill -9 of it
// loses nothing the app answered 2xx for).
func (p *Postgres) serverOptions() string {
	opts := []string{
		"-c listen_addresses=127.0.0.1",
		"-p", strconv.Itoa(p.Port),
		"-k", shellQuote(p.Dir),
		"-c max_connections=200",
	}
	if p.fast {
		opts = append(opts, "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
	}
	return strings.Join(opts, " ")
}

// initdb creates the cluster in a scratch directory and renames it into
// place, so an interrupted initdb leaves no half-made cluster behind.
func (p *Postgres) initdb(ctx context.Context) error {
	tmp := p.data() + ".init"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	fmt.Fprintf(p.log, "devenv: initdb %s\n", p.data())
	if err := p.run(ctx, "initdb", "-D", tmp, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return err
	}
	return os.Rename(tmp, p.data())
}

// running reports whether the cluster's postmaster is alive, and its port.
// A postmaster.pid naming a dead process, or a live process that is not
// postgres (the pid was reused after a crash or reboot), is removed.
func (p *Postgres) running() (int, bool) {
	pidFile := filepath.Join(p.data(), "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return 0, false
	}
	lines := strings.Split(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(lines[0]))
	if len(lines) > 3 && postmasterAlive(pid, p.data()) {
		port, _ := strconv.Atoi(strings.TrimSpace(lines[3]))
		return port, port > 0
	}
	fmt.Fprintf(p.log, "devenv: removing stale %s (pid %d) and its socket files\n", pidFile, pid)
	os.Remove(pidFile)
	// The socket's lock file names the same dead pid and would block too.
	sockets, _ := filepath.Glob(filepath.Join(p.Dir, ".s.PGSQL.*"))
	for _, s := range sockets {
		os.Remove(s)
	}
	return 0, false
}

// postmasterAlive reports whether pid is a live (not zombie) postgres
// process working in data.
func postmasterAlive(pid int, data string) bool {
	if pid <= 0 {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// stat is "PID (COMM) STATE ...".
	i := strings.LastIndexByte(string(stat), ')')
	if i < 0 || !strings.HasPrefix(string(stat), fmt.Sprintf("%d (postgres) ", pid)) ||
		len(stat) < i+3 || stat[i+2] == 'Z' || stat[i+2] == 'X' {
		return false
	}
	cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
	return err != nil || cwd == data // unreadable cwd: trust the name
}

// waitReady waits until the server answers a query.
func (p *Postgres) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		err := ping(ctx, p.URL("postgres"))
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("devenv: postgres on port %d not ready: %w", p.Port, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// run runs one of the PostgreSQL binaries in the cluster directory, as user
// postgres when we are root (initdb and postgres refuse to run as root).
func (p *Postgres) run(ctx context.Context, name string, args ...string) error {
	args = append([]string{filepath.Join(p.bin, name)}, args...)
	if os.Geteuid() == 0 {
		args = append([]string{runuser(), "-u", "postgres", "--"}, args...)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = p.Dir
	tail := &tailBuffer{max: 2000}
	cmd.Stdout = io.MultiWriter(p.log, tail)
	cmd.Stderr = cmd.Stdout
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("devenv: %s: %w\n%s", strings.Join(cmd.Args, " "), err, tail)
	}
	return nil
}

func runuser() string {
	if path, err := exec.LookPath("runuser"); err == nil {
		return path
	}
	return "/usr/sbin/runuser"
}

// giveToPostgresUser makes the cluster directory owned by the postgres
// system user and lets that user reach it: any parent directory that others
// cannot traverse (a 0700 temp dir, say) gets o+x added.
func (p *Postgres) giveToPostgresUser() error {
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("devenv: running as root needs the postgres system user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	for d := filepath.Dir(p.Dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			fmt.Fprintf(p.log, "devenv: chmod o+x %s so user postgres can reach %s\n", d, p.Dir)
			keep := fi.Mode() & (os.ModePerm | os.ModeSticky | os.ModeSetuid | os.ModeSetgid)
			if err := os.Chmod(d, keep|0o001); err != nil {
				return err
			}
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	return filepath.WalkDir(p.Dir, func(path string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
}

var installMu sync.Mutex

// postgresBin returns the newest /usr/lib/postgresql/VERSION/bin (or the one
// of version, when given: an existing cluster needs its own major version),
// installing Debian's postgresql package when there is none.
func postgresBin(ctx context.Context, version string, log io.Writer) (string, error) {
	installMu.Lock()
	defer installMu.Unlock()
	for attempt := 0; ; attempt++ {
		if version != "" {
			dir := filepath.Join("/usr/lib/postgresql", version, "bin")
			if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
				return dir, nil
			}
		} else if dir := newestPostgresBin(); dir != "" {
			return dir, nil
		}
		if attempt > 0 {
			return "", fmt.Errorf("devenv: no PostgreSQL %s binaries in /usr/lib/postgresql/*/bin", version)
		}
		if os.Geteuid() != 0 {
			return "", errors.New("devenv: PostgreSQL binaries not found; install Debian's postgresql package")
		}
		pkg := "postgresql"
		if version != "" {
			pkg += "-" + version
		}
		fmt.Fprintf(log, "devenv: installing Debian's %s package\n", pkg)
		for _, args := range [][]string{
			{"apt-get", "update"},
			{"apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=600", pkg},
		} {
			cmd := exec.CommandContext(ctx, args[0], args[1:]...)
			cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
			cmd.Stdout, cmd.Stderr = log, log
			if err := cmd.Run(); err != nil {
				return "", fmt.Errorf("devenv: %s: %w", strings.Join(args, " "), err)
			}
		}
	}
}

func newestPostgresBin() string {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	best, bestVersion := "", -1.0
	for _, m := range matches {
		dir := filepath.Dir(m)
		v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		if err == nil && v > bestVersion {
			best, bestVersion = dir, v
		}
	}
	return best
}

// ping opens a connection to dbURL and pings it.
func ping(ctx context.Context, dbURL string) error {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.PingContext(ctx)
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// PostgresForTests returns the base URL of a PostgreSQL server for tests,
// connected as user postgres to database postgres:
//   - $TEST_DATABASE_URL when set;
//   - else the machine's server on 127.0.0.1:5432 if it lets user postgres in
//     without a password;
//   - else a private cluster in $TMPDIR/termgoal-test-pg, shared by test
//     processes running at the same time and stopped by the last one to
//     call stop.
//
// stop is never nil and may be called more than once.
func PostgresForTests(ctx context.Context) (baseURL string, stop func(), err error) {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u, func() {}, nil
	}
	const local = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	if conn, err := net.DialTimeout("tcp", "127.0.0.1:5432", time.Second); err == nil {
		conn.Close()
		pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = ping(pingCtx, local)
		cancel()
		if err == nil {
			return local, func() {}, nil
		}
	}
	return sharedTestCluster(ctx)
}

// sharedTestCluster starts or joins the shared test cluster. Every user holds
// a shared flock on users.lock; start.lock serializes starting and stopping,
// and whoever stops last (able to upgrade to an exclusive lock) shuts the
// cluster down.
func sharedTestCluster(ctx context.Context) (string, func(), error) {
	dir := filepath.Join(os.TempDir(), "termgoal-test-pg")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	startLock, err := lockFile(filepath.Join(dir, "start.lock"), syscall.LOCK_EX)
	if err != nil {
		return "", nil, err
	}
	defer startLock.Close()
	users, err := lockFile(filepath.Join(dir, "users.lock"), syscall.LOCK_SH)
	if err != nil {
		return "", nil, err
	}
	log := &tailBuffer{max: 4000}
	pg, err := startPostgres(ctx, dir, log, true)
	if err != nil {
		users.Close()
		return "", nil, fmt.Errorf("%w\n%s", err, log)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			defer users.Close()
			startLock, err := lockFile(filepath.Join(dir, "start.lock"), syscall.LOCK_EX)
			if err != nil {
				return
			}
			defer startLock.Close()
			if syscall.Flock(int(users.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
				pg.Stop()
			}
		})
	}
	return pg.URL("postgres"), stop, nil
}
