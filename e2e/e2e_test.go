// Package e2e drives termgoal over HTTP against a real Temporal server and a real PostgreSQL:
// several accounts walk a term through every goal-setting step.
package e2e

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/api"
	"termgoal/app"
	"termgoal/archive"
	"termgoal/codec"
	"termgoal/devenv"
	"termgoal/metrics"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
	"termgoal/worker"
)

// clusterShape says whether the suite runs as `make test-cluster` runs it (TERMGOAL_E2E=cluster):
// each test's Temporal server keeps its state in PostgreSQL, as in production, and two workers
// and two API servers, each with a Temporal client of its own, answer behind a round-robin
// proxy. Otherwise each test runs one of each on a Temporal server with SQLite in memory.
var clusterShape = os.Getenv("TERMGOAL_E2E") == "cluster"

// sys is one running termgoal: store, Temporal, workers and HTTP server.
type sys struct {
	t             testing.TB
	store         *postgres.Store
	client        client.Client
	workers       []*worker.Worker
	clientOptions client.Options // how the client was dialed: a second worker's and API's dial alike
	srv           *httptest.Server
	metrics       *metrics.Metrics
	codec         *codec.Codec      // seals every payload, as in production
	hostPort      string            // the Temporal server's
	archiveKey    ed25519.PublicKey // the public half of the key signing the term bundles
	archives      app.Archives      // where the API and the worker keep the term bundles
	tokens        map[string]string
	ids           map[string]int64
}

// start runs a whole termgoal for one test: its own database and its own Temporal dev server,
// since workflow IDs derive from database IDs that every fresh database reuses.
func start(t testing.TB) *sys {
	t.Helper()
	return startWith(t, options{})
}

// options change what start runs: settings of the Temporal server's dynamic config, and of
// the API.
type options struct {
	dynamicConfig []string
	api           func(*api.Config)
	client        func(*client.Options) // e.g. the tracing interceptor
	// apis is how many API servers answer behind round robin, each with a Temporal client of
	// its own (default 1; 2 in the cluster shape). One sends a process's updates one at a
	// time; several send them side by side, as several serve processes do.
	apis int
}

func startWith(t testing.TB, o options) *sys {
	t.Helper()
	s := &sys{t: t, store: postgrestest.New(t), tokens: map[string]string{}, ids: map[string]int64{}}
	s.metrics = metrics.New(s.store)
	root, err := devenv.Root()
	if err != nil {
		t.Fatal(err)
	}
	temporalForTests := devenv.TemporalForTests
	if clusterShape {
		temporalForTests = devenv.TemporalOnPostgresForTests
	}
	hostPort, stop, err := temporalForTests(context.Background(), root, o.dynamicConfig...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	s.hostPort = hostPort
	// Every payload is sealed as termgoal serve and worker seal them, with a key of this run.
	key, err := codec.NewKey("e2e")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := codec.ParseKeys(key)
	if err != nil {
		t.Fatal(err)
	}
	s.codec = codec.New(keys)
	dc := codec.DataConverter(s.codec)
	co := client.Options{HostPort: hostPort, Logger: quietLogger(), DataConverter: dc, FailureConverter: codec.FailureConverter(dc)}
	if o.client != nil {
		o.client(&co)
	}
	c, err := client.Dial(co)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	s.client, s.clientOptions = c, co
	secret, public, err := archive.NewSigner("e2e")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := archive.ParseSigner(secret)
	_, s.archiveKey, _ = archive.ParsePublicKey(public)
	// The API and the worker keep the term bundles in one directory, as serve and worker do
	// on a shared volume.
	s.archives = app.Archives{Dir: t.TempDir(), Signer: &signer}
	s.startWorker()
	cfg := api.Config{Store: s.store, Temporal: c, Archives: s.archives, Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})), ActionTimeout: 10 * time.Second,
		Metrics: s.metrics, PayloadCodec: s.codec}
	if o.api != nil {
		o.api(&cfg)
	}
	apis := o.apis
	if clusterShape {
		apis = max(apis, 2)
	}
	var handlers []http.Handler
	for i := range max(apis, 1) {
		if i > 0 {
			cfg.Temporal = s.dial(co)
		}
		h, err := api.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		handlers = append(handlers, h)
	}
	s.srv = httptest.NewServer(roundRobin(handlers...))
	t.Cleanup(s.srv.Close)
	t.Cleanup(s.stopWorkers)
	return s
}

// dial is another Temporal client with the options of the first, closed when the test ends.
func (s *sys) dial(o client.Options) client.Client {
	c, err := client.Dial(o)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(c.Close)
	return c
}

// roundRobin passes each request to the next of hs in turn, as the cluster's proxy does.
func roundRobin(hs ...http.Handler) http.Handler {
	var next atomic.Uint64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hs[next.Add(1)%uint64(len(hs))].ServeHTTP(w, r)
	})
}

// startWorker starts the worker, and in the cluster shape a second one on a client of its own.
func (s *sys) startWorker() {
	clients := []client.Client{s.client}
	if clusterShape {
		clients = append(clients, s.dial(s.clientOptions))
	}
	for _, c := range clients {
		w, err := worker.NewWith(c, s.store, worker.Config{Metrics: s.metrics, Archives: s.archives})
		if err != nil {
			s.t.Fatal(err)
		}
		if err := w.Start(); err != nil {
			s.t.Fatal(err)
		}
		s.workers = append(s.workers, w)
	}
}

// stopWorkers stops every worker.
func (s *sys) stopWorkers() {
	for _, w := range s.workers {
		w.Stop()
	}
	s.workers = nil
}

func quietLogger() *slogAdapter { return &slogAdapter{} }

// slogAdapter prints the SDK's warnings and errors in tests and drops the rest.
type slogAdapter struct{}

func (slogAdapter) Debug(string, ...any)      {}
func (slogAdapter) Info(string, ...any)       {}
func (slogAdapter) Warn(m string, kv ...any)  { fmt.Println("WARN", m, kv) }
func (slogAdapter) Error(m string, kv ...any) { fmt.Println("ERROR", m, kv) }

// resp is an HTTP answer.
type resp struct {
	status int
	body   map[string]any
	raw    []byte
}

func (r resp) message() string {
	if e, ok := r.body["error"].(map[string]any); ok {
		return fmt.Sprint(e["message"])
	}
	return ""
}

// do sends a request as user ("" for nobody) with an optional Idempotency-Key.
func (s *sys) do(user, method, path string, body any, key string) resp {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.srv.URL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "en")
	if tok := s.tokens[user]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := resp{status: res.StatusCode, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

// must sends a request and fails the test unless the status is want.
func (s *sys) must(want int, user, method, path string, body any) resp {
	s.t.Helper()
	r := s.do(user, method, path, body, "")
	if r.status != want {
		s.t.Fatalf("%s %s as %s: %d %s, want %d", method, path, user, r.status, r.raw, want)
	}
	return r
}

// signIn gets a bearer token for user.
func (s *sys) signIn(user string) {
	s.t.Helper()
	r := s.must(200, "", "POST", "/api/v1/auth/token", map[string]string{"username": user, "password": "secret-" + user})
	s.tokens[user] = fmt.Sprint(r.body["token"])
}

// id reads a numeric id from a JSON object.
func id(r resp) int64 {
	v, _ := r.body["id"].(float64)
	return int64(v)
}

// setup creates, over the API, an organization tree with an account for every role. Only the
// first administrator is made directly in the store, as `termgoal seed` or an installer would.
func (s *sys) setup() {
	ctx := context.Background()
	root := &termgoal.Org{Name: "市委组织部", Type: termgoal.OrgAgency}
	if err := s.store.CreateOrg(ctx, root); err != nil {
		s.t.Fatal(err)
	}
	hash, err := app.HashPassword("secret-admin")
	if err != nil {
		s.t.Fatal(err)
	}
	admin := &termgoal.Account{Username: "admin", DisplayName: "管理员", Lang: "zh-CN"}
	if err := s.store.CreateAccount(ctx, admin, hash); err != nil {
		s.t.Fatal(err)
	}
	if err := s.store.AddGrant(ctx, admin.ID, termgoal.Grant{Role: termgoal.RoleAdmin, OrgID: root.ID}); err != nil {
		s.t.Fatal(err)
	}
	s.ids["root"] = root.ID
	s.signIn("admin")
	county := id(s.must(201, "admin", "POST", "/api/v1/orgs", map[string]any{"name": "青山县", "type": "agency", "parent_id": root.ID}))
	village := id(s.must(201, "admin", "POST", "/api/v1/orgs", map[string]any{"name": "青山村党支部", "type": "village_community", "parent_id": county}))
	other := id(s.must(201, "admin", "POST", "/api/v1/orgs", map[string]any{"name": "绿水县", "type": "agency", "parent_id": root.ID}))
	s.ids["county"], s.ids["village"], s.ids["other"] = county, village, other
	for _, u := range []struct {
		name string
		role termgoal.Role
		org  int64
	}{
		{"holder", termgoal.RoleHolder, village},
		{"rep1", termgoal.RoleConsultee, village},
		{"mem1", termgoal.RoleCommittee, village}, {"mem2", termgoal.RoleCommittee, village}, {"mem3", termgoal.RoleCommittee, village},
		{"sup", termgoal.RoleSuperior, county},
		{"clerk", termgoal.RoleFilingClerk, county},
		{"outsider", termgoal.RoleSuperior, other},
		{"otheradmin", termgoal.RoleAdmin, other},
	} {
		acc := id(s.must(201, "admin", "POST", "/api/v1/accounts", map[string]any{"username": u.name, "display_name": u.name, "password": "secret-" + u.name, "lang": "en"}))
		s.must(201, "admin", "POST", fmt.Sprintf("/api/v1/accounts/%d/grants", acc), map[string]any{"role": u.role, "org_id": u.org})
		s.ids[u.name] = acc
		s.signIn(u.name)
	}
}
