package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"termgoal"
	"termgoal/postgres"
)

// The authorization matrix (issue 30, S2): every route of the engine, asked by each kind of
// caller about objects of org a1 (under a): anonymous; a holder, an approver (a superior) and an
// administrator inside that subtree; the same three of the other subtree b; and the
// administrator of the whole tree. The answers are kept in docs/authz-matrix.md, which the test
// compares (TERMGOAL_GOLDEN=1 writes it): a new route, or a changed answer, fails until the file
// says so. Beyond the file, the test holds three rules of its own: anonymous callers reach only
// the public routes; a caller of the other subtree gets for an object of a1 exactly the answer
// an object that does not exist gets, and never a success, so changing an id in a URL shows
// nothing of another org; and no GET writes a row.

// matrixRoles are the callers, in the order of the file's columns.
var matrixRoles = []string{"anonymous", "holder", "approver", "admin", "holder of b", "approver of b", "admin of b", "root admin"}

// outsideRoles are the callers of the other subtree.
var outsideRoles = []string{"holder of b", "approver of b", "admin of b"}

// publicRoutes answer anonymous callers.
var publicRoutes = map[string]bool{
	"GET /healthz": true, "GET /readyz": true, "GET /static/*filepath": true, "GET /": true,
	"GET /login": true, "POST /login": true, "POST /logout": true,
	"GET /notices": true, "GET /notices/:process_id": true, "POST /notices/:process_id/objections": true,
	"GET /ballot": true, "POST /ballot": true,
	"GET /api/v1/openapi.json": true, "POST /api/v1/auth/token": true,
	"GET /api/v1/notices": true, "GET /api/v1/notices/:process_id": true, "POST /api/v1/notices/:process_id/objections": true,
	"POST /api/v1/ballots":         true,
	"OPTIONS /api/v1/codec/decode": true, "OPTIONS /api/v1/codec/encode": true, // CORS preflights carry no credentials
}

// sharedIDs name what belongs to no org: templates (every signed-in caller reads them) and the
// register of people (every administrator's: people move between orgs, and a term is
// registered for whoever comes).
var sharedIDs = []string{"templates/:id", "people/:id"}

// sharedLists list what belongs to no org.
var sharedLists = map[string]bool{"GET /api/v1/people": true, "GET /api/v1/templates": true, "GET /templates": true}

// hiddenIDs name what another org's caller must not tell from nothing at all: a process and
// everything of it (IDs like goalsetting-term-3 carry meaning). Anything else of another org is
// refused (403) or not found, never shown.
var hiddenIDs = []string{"processes/:id", "appraisals/:id", "appraisals/:process_id", "attachments/:id", "tasks/:id"}

// matrixInputs are the bodies (JSON) and queries (after ?) of the routes whose checks need
// one, about a1 ({a1}; {a} its parent, {term} its term, {holder} and {member} two of its
// accounts, {tmpl} the template): with an empty input they would refuse it before asking who
// calls. Every other write gets {} or an empty form.
var matrixInputs = map[string]string{
	"POST /api/v1/accounts/:id/grants":    `{"role":"consultee","org_id":{a1}}`,
	"POST /api/v1/admin/remind":           `{"org_id":{a1},"reason":"请尽快办理"}`,
	"POST /api/v1/admin/reassign":         `{"from":{holder},"to":{member},"org_id":{a1},"reason":"调整"}`,
	"POST /api/v1/appraisals":             `{"term_id":{term},"kind":"annual_appraisal","year":2026}`,
	"POST /api/v1/campaigns":              `{"name":"c","org_id":{a},"kind":"goal_setting"}`,
	"POST /api/v1/campaign-schedules":     `{"org_id":{a},"kind":"goal_setting","month":3,"day":1}`,
	"POST /api/v1/posts":                  `{"org_id":{a1},"title":"委员"}`,
	"POST /api/v1/terms":                  `{"org_id":{a1},"holder_kind":"org","appointment":"elected","start":"2030-01-10T00:00:00Z","end":"2033-01-09T00:00:00Z","template_id":{tmpl}}`,
	"POST /api/v1/notifications/read":     `{"all":true}`,
	"GET /api/v1/results":                 "?use=advanced&year=2025&org_id={a1}",
	"GET /api/v1/reports/term-rules":      "?org_id={a1}",
	"GET /api/v1/exports/term-rules.xlsx": "?org_id={a1}",
	"GET /exports/term-rules.xlsx":        "?org_id={a1}",
}

// marker is in the name of each of a1's objects: no answer to a caller of the other subtree
// holds it.
const marker = "matrix"

// matrixWorld is what the routes' ids name: objects of org a1 (a campaign of a), and the
// accounts that ask.
type matrixWorld struct {
	f      *fixture
	tokens map[string]string
	ids    map[string]string // "prefix/:param" → an id of a1's object
	fresh  map[string]func() string
	vars   map[string]string // {a1} and the like in matrixInputs
}

func newMatrixWorld(t *testing.T) *matrixWorld {
	f := newFixture(t)
	f.h.setTemporal(&refusingTemporal{})
	ctx := context.Background()
	w := &matrixWorld{f: f, ids: map[string]string{}, fresh: map[string]func() string{}, vars: map[string]string{}}
	w.tokens = map[string]string{
		"anonymous": "", "holder": f.a1Tok, "approver": f.account("supA", termgoal.RoleSuperior, f.a.ID), "admin": f.aTok,
		"holder of b": f.account("holderB", termgoal.RoleHolder, f.b.ID), "approver of b": f.account("supB", termgoal.RoleSuperior, f.b.ID),
		"admin of b": f.account("adminB", termgoal.RoleAdmin, f.b.ID), "root admin": f.rootTok,
	}
	holder := f.accounts["holderA1"]
	person := &termgoal.Person{Name: "张三-matrix"}
	if err := f.store.CreatePerson(ctx, person); err != nil {
		t.Fatal(err)
	}
	term := f.appraisalTerm(f.a1, f.tmpl, person.ID)
	f.planInForce(term)
	proc := f.seedProcess("goalsetting-matrix", f.a1, termgoal.StepApproval, "running", "2026-03-01", holder.ID)
	notice := f.seedProcess("goalsetting-notice-matrix", f.a1, termgoal.StepNotice, "running", "2026-03-01")
	task := proc.ID + "-1"
	f.seedAppraisal("appraisal-matrix", term, 1, termgoal.StepScoring, "running", termgoal.AppraisalRecord{Year: 2025, Holder: "a1", Status: "running"})
	att := &postgres.Attachment{ProcessID: proc.ID, AccountID: holder.ID, AccountName: holder.DisplayName, Filename: "matrix.pdf",
		ContentType: "application/pdf", Data: []byte("%PDF-1.4 x")}
	if err := f.store.AddAttachment(ctx, att, termgoal.Audit{Action: "attachment_added", ProcessID: proc.ID}); err != nil {
		t.Fatal(err)
	}
	post := &termgoal.Post{OrgID: f.a1.ID, Title: "书记-matrix"}
	if err := f.store.CreatePost(ctx, post); err != nil {
		t.Fatal(err)
	}
	camp := termgoal.Campaign{Name: "换届-matrix", Kind: "goal_setting", OrgID: f.a.ID, Status: "done", CreatedBy: "adminA"}
	if err := f.store.CreateCampaign(ctx, &camp); err != nil {
		t.Fatal(err)
	}
	admin := f.accounts["adminA"]
	if err := f.store.CreateBatch(ctx, postgres.BatchRun{ID: "batch-matrix", Action: "batch_remind", ActorID: admin.ID, ActorName: admin.DisplayName, Total: 1}); err != nil {
		t.Fatal(err)
	}
	bundle, err := f.h.ops.StoreArchive(ctx, termgoal.Actor{Name: "matrix"}, term.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	f.account("memberA1", termgoal.RoleConsultee, f.a1.ID)
	target := f.accounts["memberA1"]
	id := func(n int64) string { return fmt.Sprint(n) }
	for k, v := range map[string]string{
		"orgs/:id": id(f.a1.ID), "posts/:id": id(post.ID), ":post": id(post.ID), "people/:id": id(person.ID),
		"templates/:id": id(f.tmpl.ID), "terms/:id": id(term.ID), "processes/:id": proc.ID, "notices/:process_id": notice.ID,
		"appraisals/:process_id": "appraisal-matrix", "appraisals/:id": "appraisal-matrix", "attachments/:id": id(att.ID),
		"tasks/:id": task, "campaigns/:id": id(camp.ID), "batches/:id": "batch-matrix", "accounts/:id": id(target.ID),
		":action": "comment", "years/:year": "2026", "campaign-schedules/:id": "campaign-schedule-matrix", "archives/:name": bundle.Name,
	} {
		w.ids[k] = v
	}
	for k, v := range map[string]int64{"a1": f.a1.ID, "a": f.a.ID, "term": term.ID, "holder": holder.ID, "member": target.ID, "tmpl": f.tmpl.ID} {
		w.vars["{"+k+"}"] = id(v)
	}
	// What a request may end or delete is made anew for each request.
	w.fresh[":session"] = func() string { return id(w.session(target.ID)) }
	w.fresh["sessions/:id"] = func() string { return id(w.session(holder.ID)) }
	w.fresh["webhooks/:id"] = func() string {
		wh := &postgres.Webhook{OrgID: f.a1.ID, Kind: "generic", URL: "https://hooks.example.org/x", Enabled: true}
		if err := f.store.CreateWebhook(ctx, wh); err != nil {
			t.Fatal(err)
		}
		return id(wh.ID)
	}
	return w
}

// refusingTemporal starts any workflow and refuses every action, as a workflow refuses one
// that is not the caller's to take: the workflow, not the route, decides who acts, and the
// matrix shows what the route adds (hiding the refusal from another org's caller).
type refusingTemporal struct{ fakeTemporal }

func (*refusingTemporal) UpdateWorkflow(context.Context, client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	return nil, temporal.NewApplicationError("not yours to take", termgoal.EFORBIDDEN)
}

func (*refusingTemporal) ExecuteWorkflow(_ context.Context, o client.StartWorkflowOptions, _ any, _ ...any) (client.WorkflowRun, error) {
	return startedRun{id: o.ID}, nil
}

func (*refusingTemporal) DescribeWorkflowExecution(context.Context, string, string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	return nil, serviceerror.NewNotFound("no such workflow")
}

func (*refusingTemporal) ScheduleClient() client.ScheduleClient { return noSchedules{} }

// noSchedules is a Temporal without schedules: it lists none, creates each, and finds none.
type noSchedules struct{ client.ScheduleClient }

func (noSchedules) Create(_ context.Context, o client.ScheduleOptions) (client.ScheduleHandle, error) {
	return noSchedule{id: o.ID}, nil
}
func (noSchedules) GetHandle(_ context.Context, id string) client.ScheduleHandle {
	return noSchedule{id: id}
}
func (noSchedules) List(context.Context, client.ScheduleListOptions) (client.ScheduleListIterator, error) {
	return noSchedule{}, nil
}

type noSchedule struct {
	client.ScheduleHandle
	id string
}

func (s noSchedule) GetID() string { return s.id }
func (noSchedule) Describe(context.Context) (*client.ScheduleDescription, error) {
	return nil, serviceerror.NewNotFound("no such schedule")
}
func (noSchedule) Delete(context.Context) error { return serviceerror.NewNotFound("no such schedule") }
func (noSchedule) HasNext() bool                { return false }
func (noSchedule) Next() (*client.ScheduleListEntry, error) {
	return nil, serviceerror.NewNotFound("no more schedules")
}

// session registers a browser session of account and answers its id.
func (w *matrixWorld) session(account int64) int64 {
	ctx := context.Background()
	token := fmt.Sprintf("matrix-%d-%d", account, time.Now().UnixNano())
	if err := w.f.store.RegisterSession(ctx, token, account, "192.0.2.1", "matrix"); err != nil {
		w.f.t.Fatal(err)
	}
	if err := w.f.store.SessionStore().Commit(token, []byte("x"), time.Now().Add(time.Hour)); err != nil {
		w.f.t.Fatal(err)
	}
	list, err := w.f.store.Sessions(ctx, account, "")
	if err != nil || len(list) == 0 {
		w.f.t.Fatal(err)
	}
	return list[0].ID
}

// path fills a route's parameters with the ids of a1's objects, or with ids that name nothing.
func (w *matrixWorld) path(route string, missing bool) string {
	segs := strings.Split(route, "/")
	for i, seg := range segs {
		if !strings.HasPrefix(seg, ":") && !strings.HasPrefix(seg, "*") {
			continue
		}
		key := seg
		if i > 0 {
			key = segs[i-1] + "/" + seg
		}
		v, ok := w.ids[key]
		if !ok {
			v, ok = w.ids[seg]
		}
		if mk := w.fresh[key]; mk != nil {
			v, ok = mk(), true
		} else if mk := w.fresh[seg]; mk != nil {
			v, ok = mk(), true
		}
		if !ok && seg == "*filepath" {
			v, ok = "app.css", true
		}
		if !ok {
			w.f.t.Fatalf("route %s: no id for %s", route, key)
		}
		if missing && seg != ":action" && seg != "*filepath" && !strings.HasSuffix(key, "years/:year") {
			v = "987654"
			if strings.Contains(w.ids[key]+w.ids[seg], "-") {
				v = "goalsetting-nothing-987654"
			}
		}
		segs[i] = v
	}
	return strings.Join(segs, "/")
}

// answer is a status, with where a redirect goes when it goes to the sign-in page.
func answer(r *httptest.ResponseRecorder) string {
	if loc := r.Header().Get("Location"); r.Code/100 == 3 && strings.HasPrefix(loc, "/login") {
		return fmt.Sprint(r.Code, "→login")
	}
	return fmt.Sprint(r.Code)
}

// ask sends route's request as role, about a1's objects or (missing) about none, and answers
// the status and whether the answer holds the marker of a1's objects.
func (w *matrixWorld) ask(method, route, role string, missing bool) (string, bool) {
	body, ctype := "{}", "application/json"
	if !strings.HasPrefix(route, "/api/") {
		body, ctype = "", "application/x-www-form-urlencoded"
	}
	if method == "GET" || method == "DELETE" {
		body, ctype = "", ""
	}
	path := w.path(route, missing)
	if in, ok := matrixInputs[method+" "+route]; ok {
		for k, v := range w.vars {
			if missing {
				v = "987654"
			}
			in = strings.ReplaceAll(in, k, v)
		}
		if strings.HasPrefix(in, "?") {
			path += in
		} else {
			body = in
		}
	}
	r := w.f.send(method, path, w.tokens[role], ctype, body)
	shown := r.Body.String()
	for _, seg := range strings.Split(path, "/") { // the page may name the URL asked for
		shown = strings.ReplaceAll(shown, seg, "")
	}
	return answer(r), strings.Contains(shown, marker)
}

// names reports whether route has an id param after one of prefixes.
func names(route string, prefixes []string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return strings.Contains(route, p) })
}

func TestAuthorizationMatrix(t *testing.T) {
	w := newMatrixWorld(t)
	routes := w.f.h.engine.Routes()
	slices.SortFunc(routes, func(a, b gin.RouteInfo) int {
		// GETs first, to show they write nothing; then each route on its own.
		return strings.Compare(fmt.Sprint(a.Method != "GET", a.Path, a.Method), fmt.Sprint(b.Method != "GET", b.Path, b.Method))
	})
	rows := map[string][]string{}
	before := w.f.rowCounts()
	checkedGets := false
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		if rt.Method == "GET" {
			rows[key] = matrixRow(t, w, rt)
			continue
		}
		if !checkedGets {
			checkedGets = true
			if after := w.f.rowCounts(); !reflect.DeepEqual(before, after) {
				t.Errorf("GET requests wrote rows:\nbefore %v\nafter  %v", before, after)
			}
		}
		// A route that changes things gets a world of its own, dropped when done.
		t.Run(key, func(t *testing.T) { rows[key] = matrixRow(t, newMatrixWorld(t), rt) })
	}
	compareMatrix(t, rows)
}

// matrixRow asks route rt as every role, checks the answers against the rules and returns
// them.
func matrixRow(t *testing.T, w *matrixWorld, rt gin.RouteInfo) []string {
	key := rt.Method + " " + rt.Path
	var row []string
	for _, role := range matrixRoles {
		got, shown := w.ask(rt.Method, rt.Path, role, false)
		row = append(row, got)
		if publicRoutes[key] || sharedLists[key] || names(rt.Path, sharedIDs) {
			continue
		}
		switch {
		case role == "anonymous" && got != "401" && !strings.HasSuffix(got, "→login"):
			t.Errorf("%s: anonymous gets %s", key, got)
		case !slices.Contains(outsideRoles, role):
		case shown:
			t.Errorf("%s: %s is shown a1's object (%s)", key, role, got)
		case (strings.Contains(rt.Path, "/:") || strings.Contains(matrixInputs[key], "{a")) && (got[0] == '2' || got[0] == '3'):
			t.Errorf("%s: %s reaches a1's object: %s", key, role, got)
		case names(rt.Path, hiddenIDs):
			if none, _ := w.ask(rt.Method, rt.Path, role, true); none != got {
				t.Errorf("%s: %s tells a1's object (%s) from none (%s)", key, role, got, none)
			}
		}
	}
	return row
}

const matrixFile = "../docs/authz-matrix.md"

// compareMatrix writes the matrix as a Markdown table and compares it with the kept file.
func compareMatrix(t *testing.T, rows map[string][]string) {
	var b strings.Builder
	b.WriteString("# Authorization matrix\n\n")
	b.WriteString("Generated by `TestAuthorizationMatrix` (api/authz_matrix_test.go) from the route table: the answer of every\n")
	b.WriteString("route to each kind of caller about an object of org a1 (under a). *holder*, *approver* (a superior) and *admin*\n")
	b.WriteString("hold their role on a1 or above it; *… of b* the same on the other subtree b; *root admin* administers\n")
	b.WriteString("the whole tree. `401`: not signed in (the pages redirect to the sign-in page: `303→login`); `403`: refused;\n")
	b.WriteString("`404`: not found, as for an id that names nothing; `400`/`422`: the request was let through and its (empty)\n")
	b.WriteString("input refused; `2xx`/`303`: done. Regenerate with `TERMGOAL_GOLDEN=1 go test ./api -run TestAuthorizationMatrix`.\n\n")
	b.WriteString("| route | " + strings.Join(matrixRoles, " | ") + " |\n|---|" + strings.Repeat("---|", len(matrixRoles)) + "\n")
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		pa, pb := strings.SplitN(a, " ", 2), strings.SplitN(b, " ", 2)
		return strings.Compare(pa[1]+" "+pa[0], pb[1]+" "+pb[0])
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "| `%s` | %s |\n", k, strings.Join(rows[k], " | "))
	}
	if os.Getenv("TERMGOAL_GOLDEN") == "1" {
		if err := os.WriteFile(matrixFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	kept, err := os.ReadFile(matrixFile)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(kept) {
		keptRows := map[string]string{}
		for _, line := range strings.Split(string(kept), "\n") {
			if k, _, ok := strings.Cut(strings.TrimPrefix(line, "| `"), "` |"); ok && strings.HasPrefix(line, "| `") {
				keptRows[k] = line
			}
		}
		for _, line := range strings.Split(got, "\n") {
			k, _, ok := strings.Cut(strings.TrimPrefix(line, "| `"), "` |")
			if !ok || !strings.HasPrefix(line, "| `") {
				continue
			}
			if keptRows[k] != line {
				t.Errorf("answers differ from docs/authz-matrix.md:\n  kept %s\n  now  %s", keptRows[k], line)
			}
			delete(keptRows, k)
		}
		for k := range keptRows {
			t.Errorf("docs/authz-matrix.md has a route the engine lacks: %s", k)
		}
	}
}

// TestRefusalsAreAudited: a signed-in caller's refused request is in the audit log with its
// route and address; what they typed (a path with a newline) stays one value of the line, and
// the log's lines stay lines.
func TestRefusalsAreAudited(t *testing.T) {
	f := newFixture(t)
	f.errCode("GET", "/api/v1/audit", f.a1Tok, nil, 403)
	lines := f.auditLines("access_refused")
	if len(lines) != 1 || lines[0].Detail["route"] != "/api/v1/audit" || lines[0].IP == "" || lines[0].ActorID != f.accounts["holderA1"].ID {
		t.Fatalf("refusal lines %+v", lines)
	}
	f.errCode("GET", "/api/v1/dashboard", f.a1Tok, nil, 403)
	if lines := f.auditLines("access_refused"); len(lines) != 2 {
		t.Errorf("%d refusal lines", len(lines))
	}
	var buf strings.Builder
	h, err := newHandler(Config{Store: f.store, Log: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/api/v1/orgs/1%0Alevel=ERROR%20msg=forged", nil)
	r.Header.Set("Authorization", "Bearer "+f.a1Tok)
	h.wrap().ServeHTTP(httptest.NewRecorder(), r)
	for line := range strings.Lines(buf.String()) {
		if !strings.HasPrefix(line, "time=") {
			t.Errorf("a forged log line: %q", line)
		}
	}
}
