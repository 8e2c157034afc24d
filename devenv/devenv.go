// Package devenv starts the real components termgoal runs on in development
// and in tests: a private PostgreSQL cluster built from the system's binaries
// and a Temporal dev server from the pinned Temporal CLI.
//
// `make run` (the `termgoal dev` command) and the integration tests share
// these helpers, so both run against the same kind of servers.
package devenv

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	ports, err := freePorts(1)
	if err != nil {
		return 0, err
	}
	return ports[0], nil
}

// freePorts returns n distinct free ports on 127.0.0.1.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("devenv: find a free port: %w", err)
		}
		// Keep each listener open until all are chosen so they differ.
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// portFree reports whether port on 127.0.0.1 can be listened on.
func portFree(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// Root returns the repository root: $TERMGOAL_ROOT when set (the Makefile
// exports it), else the nearest directory above the working directory that
// holds a go.mod.
func Root() (string, error) {
	if r := os.Getenv("TERMGOAL_ROOT"); r != "" {
		return filepath.Abs(r)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("devenv: no go.mod above the working directory; set TERMGOAL_ROOT")
		}
		dir = parent
	}
}

// lockFile opens (creating) path and takes a flock on it: how is
// syscall.LOCK_EX or syscall.LOCK_SH. Closing the file releases the lock,
// and so does the death of the process.
func lockFile(path string, how int) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, fmt.Errorf("devenv: lock %s: %w", path, err)
	}
	return f, nil
}

// tailBuffer keeps the first and the last max/2 bytes written to it, for error messages: a
// crash names its cause at the top of a long stack (a port taken: StartTemporal tries again).
type tailBuffer struct {
	mu        sync.Mutex
	max       int
	head, buf []byte
	cut       bool
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if room := t.max/2 - len(t.head); room > 0 {
		k := min(room, len(p))
		t.head, p = append(t.head, p[:k]...), p[k:]
	}
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max/2 {
		t.buf, t.cut = t.buf[len(t.buf)-t.max/2:], true
	}
	return n, nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	sep := ""
	if t.cut {
		sep = "\n…\n"
	}
	return string(bytes.TrimSpace(append(append(append([]byte{}, t.head...), sep...), t.buf...)))
}
