package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/app"
	"termgoal/edge"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

func TestMain(m *testing.M) { postgrestest.Main(m) }

// fixture is an org tree with accounts of different reach, on a fresh database:
//
//	root (admin: root)
//	├── a (admin: adminA)
//	│   └── a1 (holder: holderA1)
//	└── b
//
// nobody has no grant.
type fixture struct {
	t                        testing.TB
	h                        *Handler
	srv                      http.Handler
	store                    *postgres.Store
	root, a, a1, b           termgoal.Org
	tmpl                     termgoal.Template
	rootTok, aTok, a1Tok, no string
	accounts                 map[string]*termgoal.Account
}

const testPassword = "password123"

var testHash, _ = app.HashPassword(testPassword)

func newFixture(t testing.TB, opts ...func(*Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	s := postgrestest.New(t)
	cfg := Config{Store: s, Log: slog.New(slog.DiscardHandler), TemporalUIURL: "http://ui", PayloadCodec: testCodec,
		Archives: app.Archives{Dir: t.TempDir(), Signer: &testSigner}}
	for _, o := range opts {
		o(&cfg)
	}
	h, err := newHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, h: h, srv: h.wrap(), store: s, accounts: map[string]*termgoal.Account{}}
	mk := func(o *termgoal.Org, name string, parent *termgoal.Org) {
		o.Name, o.Type = name, termgoal.OrgAgency
		if parent != nil {
			o.ParentID = &parent.ID
		}
		if err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	mk(&f.root, "root", nil)
	mk(&f.a, "a", &f.root)
	mk(&f.a1, "a1", &f.a)
	mk(&f.b, "b", &f.root)
	f.tmpl = termgoal.Template{Name: "t", NoticeDays: 5, DeadlineMonths: 2}
	if err := s.CreateTemplate(ctx, &f.tmpl); err != nil {
		t.Fatal(err)
	}
	f.rootTok = f.account("root", termgoal.RoleAdmin, f.root.ID)
	f.aTok = f.account("adminA", termgoal.RoleAdmin, f.a.ID)
	f.a1Tok = f.account("holderA1", termgoal.RoleHolder, f.a1.ID)
	f.no = f.account("nobody", "", 0)
	return f
}

// account creates an account with one grant (none when role is empty) and signs it in.
func (f *fixture) account(name string, role termgoal.Role, orgID int64) string {
	ctx := context.Background()
	a := &termgoal.Account{Username: name, DisplayName: name + " 姓名", Lang: "zh-CN"}
	if err := f.store.CreateAccount(ctx, a, testHash); err != nil {
		f.t.Fatal(err)
	}
	if role != "" {
		if err := f.store.AddGrant(ctx, a.ID, termgoal.Grant{Role: role, OrgID: orgID}); err != nil {
			f.t.Fatal(err)
		}
	}
	f.accounts[name] = a
	return f.token(name, testPassword, 200)
}

func (f *fixture) token(user, pw string, want int) string {
	var out tokenResponse
	f.do("POST", "/api/v1/auth/token", "", tokenRequest{Username: user, Password: pw}, want, &out)
	return out.Token
}

// do sends a request (body: a string is sent as is, anything else as JSON), checks the status
// and decodes the answer into out.
func (f *fixture) do(method, path, token string, body any, want int, out any) []byte {
	f.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = bytes.NewBufferString(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	if w.Code != want {
		f.t.Fatalf("%s %s: %d, want %d: %s", method, path, w.Code, want, w.Body.String())
	}
	if out != nil {
		if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
			f.t.Fatalf("%s %s: %v: %s", method, path, err, w.Body.String())
		}
	}
	return w.Body.Bytes()
}

// auditLines answers the audit lines of action, as the root administrator reads them.
func (f *fixture) auditLines(action string) []termgoal.Audit {
	f.t.Helper()
	var audit List[termgoal.Audit]
	f.do("GET", "/api/v1/audit", f.rootTok, nil, 200, &audit)
	return slices.DeleteFunc(audit.Items, func(a termgoal.Audit) bool { return a.Action != action })
}

func (f *fixture) errCode(method, path, token string, body any, want int) edge.ErrorBody {
	f.t.Helper()
	var e edge.ErrorBody
	f.do(method, path, token, body, want, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		f.t.Fatalf("%s %s: error body %+v", method, path, e)
	}
	return e
}

func TestTokenSignInAndLogout(t *testing.T) {
	f := newFixture(t)
	var me termgoal.Account
	f.do("GET", "/api/v1/me", f.aTok, nil, 200, &me)
	if me.Username != "adminA" || len(me.Grants) != 1 || me.Grants[0].OrgPath != f.a.Path {
		t.Errorf("me = %+v", me)
	}
	e := f.errCode("POST", "/api/v1/auth/token", "", tokenRequest{Username: "adminA", Password: "wrong"}, 401)
	if e.Error.Message != "用户名或密码错误。" {
		t.Errorf("message %q", e.Error.Message)
	}
	f.errCode("POST", "/api/v1/auth/token", "", tokenRequest{Username: "ghost", Password: "x"}, 401)
	f.errCode("POST", "/api/v1/auth/token", "", `{"username":"x","password":"y","extra":1}`, 400)
	f.do("POST", "/api/v1/auth/logout", f.aTok, nil, 204, nil)
	f.errCode("GET", "/api/v1/me", f.aTok, nil, 401)
	f.errCode("GET", "/api/v1/me", "not-a-token", nil, 401)
}

// The sign-in limits (issue 30): per username and address, counted before the password is
// checked, so 40 concurrent guesses check 5 passwords; the user signs in from elsewhere all the
// while; per address across usernames; kept in PostgreSQL, so another process (or a restart)
// holds them too; failures and blocks are in the audit log.
func TestSignInLimits(t *testing.T) {
	f := newFixture(t)
	signIn := func(user, password, ip string) int {
		b, _ := json.Marshal(tokenRequest{Username: user, Password: password})
		req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/token", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = ip + ":40000"
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, req)
		return w.Code
	}
	var wg sync.WaitGroup
	codes := make(chan int, 40)
	for range 40 {
		wg.Go(func() { codes <- signIn("holderA1", "guess", "203.0.113.7") })
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[401] != app.SignInAttempts || count[429] != 40-app.SignInAttempts {
		t.Errorf("40 concurrent guesses answered %v, want %d checked (401) and the rest refused (429)", count, app.SignInAttempts)
	}
	if n := len(f.auditLines("signin_failed")); n != app.SignInAttempts {
		t.Errorf("%d failed sign-ins audited, want %d", n, app.SignInAttempts)
	}
	if n := len(f.auditLines("signin_blocked")); n != 1 {
		t.Errorf("%d blocks audited, want one", n)
	}
	// The right password from the guessing address waits; the user's own address is not held.
	if got := signIn("holderA1", testPassword, "203.0.113.7"); got != 429 {
		t.Errorf("the right password from the guessing address: %d, want 429", got)
	}
	if got := signIn("holderA1", testPassword, "198.51.100.20"); got != 200 {
		t.Errorf("the user from their own address: %d, want 200", got)
	}
	// Another process on the same database (or this one restarted) holds the same limits.
	other := app.New(app.Service{Store: f.store})
	if _, err := other.SignIn(context.Background(), "holderA1", testPassword, "", "203.0.113.7"); termgoal.ErrorCode(err) != termgoal.ETOOMANY {
		t.Errorf("another process lets the guessing address in: %v", err)
	}
	// An address that fails across usernames is held for every username, and answers an
	// unknown username as a known one.
	for i := range app.SignInFailuresPerAddress {
		user := fmt.Sprint("ghost", i)
		if i < app.SignInAttempts-1 {
			user = "adminA"
		}
		if got := signIn(user, "wrong", "203.0.113.99"); got != 401 {
			t.Fatalf("guess %d: %d", i, got)
		}
	}
	if got := signIn("adminA", testPassword, "203.0.113.99"); got != 429 {
		t.Errorf("the right password from an address past its failures: %d, want 429", got)
	}
	if got := signIn("ghost-x", "wrong", "203.0.113.99"); got != 429 {
		t.Errorf("an unknown username from that address: %d, want 429 like a known one", got)
	}
	f.token("adminA", testPassword, 200) // from elsewhere
}

func TestSessionSignIn(t *testing.T) {
	f := newFixture(t)
	f.h.engine.POST("/test-login", func(c *gin.Context) {
		acc, err := f.h.ops.SignIn(c.Request.Context(), "adminA", testPassword, "", c.ClientIP())
		if err == nil {
			err = edge.StartSession(c, f.h.sessions, f.store, acc)
		}
		if err != nil {
			f.h.fail(c, err)
			return
		}
		c.Status(204)
	})
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, httptest.NewRequest("POST", "/test-login", nil))
	var session *http.Cookie
	for _, ck := range w.Result().Cookies() {
		if ck.Name == "__Host-termgoal_session" {
			session = ck
		}
	}
	if w.Code != 204 || session == nil || !session.HttpOnly || !session.Secure || session.Path != "/" || session.Domain != "" ||
		session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("sign-in: %d cookie %+v", w.Code, session)
	}
	r := httptest.NewRequest("GET", "/api/v1/me", nil)
	r.AddCookie(session)
	w = httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	if w.Code != 200 || !bytes.Contains(w.Body.Bytes(), []byte(`"adminA"`)) {
		t.Errorf("me with session: %d %s", w.Code, w.Body.String())
	}
}

func TestOrgsAndPosts(t *testing.T) {
	f := newFixture(t)
	var o termgoal.Org
	f.do("POST", "/api/v1/orgs", f.aTok, orgRequest{ParentID: &f.a1.ID, Name: "a1x", Type: "enterprise"}, 201, &o)
	if o.ID == 0 || o.Path != fmt.Sprintf("%s%d/", f.a1.Path, o.ID) {
		t.Errorf("created %+v", o)
	}
	f.errCode("POST", "/api/v1/orgs", f.aTok, orgRequest{ParentID: &f.b.ID, Name: "bx", Type: "agency"}, 403)
	f.errCode("POST", "/api/v1/orgs", f.aTok, orgRequest{Name: "new root", Type: "agency"}, 403)
	f.do("POST", "/api/v1/orgs", f.rootTok, orgRequest{Name: "new root", Type: "agency"}, 201, nil)
	f.errCode("POST", "/api/v1/orgs", f.aTok, orgRequest{ParentID: &f.a.ID, Name: "x", Type: "castle"}, 422)
	f.errCode("POST", "/api/v1/orgs", f.aTok, orgRequest{ParentID: &f.a.ID, Name: " ", Type: "agency"}, 422)
	missing := int64(99999)
	f.errCode("POST", "/api/v1/orgs", f.aTok, orgRequest{ParentID: &missing, Name: "x", Type: "agency"}, 422)
	f.errCode("POST", "/api/v1/orgs", f.aTok, `{"name":`, 400)
	f.errCode("POST", "/api/v1/orgs", f.aTok, `{"name":"x","type":"agency","colour":"red"}`, 400)

	var orgs List[termgoal.Org]
	f.do("GET", "/api/v1/orgs", f.aTok, nil, 200, &orgs)
	if orgs.Total != 3 || orgs.Items[0].ID != f.a.ID {
		t.Errorf("adminA sees %+v", orgs)
	}
	f.do("GET", "/api/v1/orgs?limit=1&offset=1", f.aTok, nil, 200, &orgs)
	if orgs.Total != 3 || len(orgs.Items) != 1 || orgs.Items[0].ID != f.a1.ID {
		t.Errorf("page: %+v", orgs)
	}
	f.errCode("GET", "/api/v1/orgs?limit=x", f.aTok, nil, 400)
	f.errCode("GET", "/api/v1/orgs?offset=-1", f.aTok, nil, 422)
	f.do("GET", fmt.Sprintf("/api/v1/orgs/%d", f.a1.ID), f.a1Tok, nil, 200, nil)
	f.errCode("GET", fmt.Sprintf("/api/v1/orgs/%d", f.a.ID), f.a1Tok, nil, 403)
	f.errCode("GET", fmt.Sprintf("/api/v1/orgs/%d", f.b.ID), f.aTok, nil, 403)
	f.errCode("GET", "/api/v1/orgs/99999", f.rootTok, nil, 404)
	f.errCode("GET", "/api/v1/orgs/abc", f.rootTok, nil, 404)

	f.do("POST", "/api/v1/posts", f.aTok, termgoal.Post{OrgID: f.a1.ID, Title: "书记", Principal: true}, 201, nil)
	f.errCode("POST", "/api/v1/posts", f.aTok, termgoal.Post{OrgID: f.b.ID, Title: "书记"}, 403)
	f.errCode("POST", "/api/v1/posts", f.aTok, termgoal.Post{OrgID: f.a1.ID}, 422)
	var posts List[termgoal.Post]
	f.do("GET", fmt.Sprintf("/api/v1/orgs/%d/posts", f.a1.ID), f.a1Tok, nil, 200, &posts)
	if posts.Total != 1 || posts.Items[0].Title != "书记" {
		t.Errorf("posts %+v", posts)
	}

	var audit List[termgoal.Audit]
	f.do("GET", "/api/v1/audit", f.rootTok, nil, 200, &audit)
	actions := map[string]int{}
	for _, a := range audit.Items {
		actions[a.Action]++
	}
	if actions["org_created"] != 2 || actions["post_created"] != 1 {
		t.Errorf("audit actions %v", actions)
	}
	// adminA reads the lines of its subtree only: org creation belongs to no process or term.
	f.do("GET", "/api/v1/audit", f.aTok, nil, 200, &audit)
	if audit.Total != 0 {
		t.Errorf("adminA reads %+v", audit.Items)
	}
	f.errCode("GET", "/api/v1/audit", f.a1Tok, nil, 403)
}

func TestPeopleAndAccounts(t *testing.T) {
	f := newFixture(t)
	f.errCode("POST", "/api/v1/people", f.a1Tok, termgoal.Person{Name: "张三"}, 403)
	f.errCode("POST", "/api/v1/people", f.aTok, termgoal.Person{Name: "张三", Gender: "x"}, 422)
	var p termgoal.Person
	f.do("POST", "/api/v1/people", f.aTok, termgoal.Person{Name: "张三", Gender: "male"}, 201, &p)
	var people List[termgoal.Person]
	f.do("GET", "/api/v1/people", f.aTok, nil, 200, &people)
	if people.Total != 1 {
		t.Errorf("people %+v", people)
	}
	f.do("GET", fmt.Sprintf("/api/v1/people/%d", p.ID), f.aTok, nil, 200, nil)
	f.errCode("GET", fmt.Sprintf("/api/v1/people/%d", p.ID), f.a1Tok, nil, 403)
	f.errCode("GET", "/api/v1/people/99999", f.aTok, nil, 404)

	// An administrator of a subtree creates an account with its first role in the subtree.
	var acc termgoal.Account
	inA1 := &grantRequest{Role: termgoal.RoleHolder, OrgID: f.a1.ID}
	f.do("POST", "/api/v1/accounts", f.aTok, accountRequest{Username: "lisi", Password: "long enough", DisplayName: "李四", PersonID: &p.ID, Grant: inA1}, 201, &acc)
	if len(acc.Grants) != 1 || acc.Grants[0].OrgID != f.a1.ID || acc.Grants[0].Role != termgoal.RoleHolder {
		t.Errorf("created with grants %+v", acc.Grants)
	}
	f.errCode("POST", "/api/v1/accounts", f.aTok, accountRequest{Username: "lisi", Password: "long enough", DisplayName: "李四", Grant: inA1}, 409)
	f.errCode("POST", "/api/v1/accounts", f.aTok, accountRequest{Username: "wangwu", Password: "short", DisplayName: "王五", Grant: inA1}, 422)
	f.errCode("POST", "/api/v1/accounts", f.a1Tok, accountRequest{Username: "wangwu", Password: "long enough", DisplayName: "王五"}, 403)
	// Not a global account, nor one beginning in another subtree; a root administrator may.
	if e := f.errCode("POST", "/api/v1/accounts", f.aTok, accountRequest{Username: "wangwu", Password: "long enough", DisplayName: "王五"}, 422); e.Error.Message != "请为账号指定第一个角色，所在单位须由您管理。" {
		t.Errorf("a global account by a subtree's administrator: %+v", e)
	}
	f.errCode("POST", "/api/v1/accounts", f.aTok, accountRequest{Username: "wangwu", Password: "long enough", DisplayName: "王五", Grant: &grantRequest{Role: termgoal.RoleHolder, OrgID: f.b.ID}}, 403)
	f.do("POST", "/api/v1/accounts", f.rootTok, accountRequest{Username: "zhaoliu", Password: "long enough", DisplayName: "赵六"}, 201, nil)
	if n := len(f.auditLines("account_created")); n != 2 {
		t.Errorf("%d accounts created in the audit log, want 2", n)
	}

	grants := fmt.Sprintf("/api/v1/accounts/%d/grants", acc.ID)
	f.errCode("POST", grants, f.aTok, grantRequest{Role: termgoal.RoleSuperior, OrgID: f.b.ID}, 403)
	f.errCode("POST", grants, f.aTok, grantRequest{Role: "king", OrgID: f.a1.ID}, 422)
	f.errCode("POST", "/api/v1/accounts/99999/grants", f.aTok, grantRequest{Role: termgoal.RoleSuperior, OrgID: f.a1.ID}, 404)
	f.do("POST", grants, f.aTok, grantRequest{Role: termgoal.RoleSuperior, OrgID: f.a1.ID}, 201, &acc)
	if len(acc.Grants) != 2 {
		t.Errorf("grants %+v", acc.Grants)
	}
	// An account beyond the subtree gets no role from it: not the top administrator's.
	root := f.accounts["root"].ID
	if e := f.errCode("POST", fmt.Sprintf("/api/v1/accounts/%d/grants", root), f.aTok, grantRequest{Role: termgoal.RoleHolder, OrgID: f.a1.ID}, 403); e.Error.Message != "该账号在您不管理的单位中有角色，您不能为其授权。" {
		t.Errorf("a grant to the top administrator: %+v", e)
	}
	f.do("POST", fmt.Sprintf("/api/v1/accounts/%d/grants", f.accounts["adminA"].ID), f.rootTok, grantRequest{Role: termgoal.RoleHolder, OrgID: f.a1.ID}, 201, nil)
	tok := f.token("lisi", "long enough", 200)
	f.do("GET", fmt.Sprintf("/api/v1/people/%d", p.ID), tok, nil, 200, nil) // their own person
	f.do("GET", fmt.Sprintf("/api/v1/orgs/%d", f.a1.ID), tok, nil, 200, nil)
}

func TestTemplatesAndCalendar(t *testing.T) {
	f := newFixture(t)
	tp := termgoal.Template{Name: "村社区", OrgType: termgoal.OrgVillage, NoticeDays: 5, DeadlineMonths: 2, Consultation: true,
		StepDays: map[termgoal.Step]int{termgoal.StepDraft: 10}}
	f.errCode("POST", "/api/v1/templates", f.aTok, tp, 403)
	bad := tp
	bad.NoticeDays = 0
	e := f.errCode("POST", "/api/v1/templates", f.rootTok, bad, 422)
	if e.Error.Message != "公示期为 1 到 30 个工作日。" {
		t.Errorf("message %q", e.Error.Message)
	}
	bad = tp
	bad.StepDays = map[termgoal.Step]int{"nap": 3}
	f.errCode("POST", "/api/v1/templates", f.rootTok, bad, 422)
	var got termgoal.Template
	f.do("POST", "/api/v1/templates", f.rootTok, tp, 201, &got)
	tp.NoticeDays = 7
	f.do("PUT", fmt.Sprintf("/api/v1/templates/%d", got.ID), f.rootTok, tp, 200, &got)
	if got.Version != 2 || got.NoticeDays != 7 {
		t.Errorf("updated %+v", got)
	}
	f.do("GET", fmt.Sprintf("/api/v1/templates/%d", got.ID), f.a1Tok, nil, 200, &got)
	var versions List[postgres.TemplateVersion]
	f.do("GET", fmt.Sprintf("/api/v1/templates/%d/versions", got.ID), f.a1Tok, nil, 200, &versions)
	if versions.Total != 2 || versions.Items[0].Version != 2 || versions.Items[1].NoticeDays == 7 {
		t.Errorf("versions %+v", versions)
	}
	var diff app.TemplateComparison
	f.do("GET", fmt.Sprintf("/api/v1/templates/%d/compare", got.ID), f.a1Tok, nil, 200, &diff)
	if diff.From.Version != 1 || diff.To.Version != 2 || len(diff.Changes) == 0 || !slices.ContainsFunc(diff.Changes, func(c termgoal.FieldChange) bool {
		return c.Path == "notice_days" && c.New == "7"
	}) {
		t.Errorf("compare %+v", diff)
	}
	f.errCode("GET", fmt.Sprintf("/api/v1/templates/%d/compare?from=1&to=9", got.ID), f.a1Tok, nil, 404)
	f.errCode("GET", "/api/v1/templates/99999/versions", f.a1Tok, nil, 404)
	f.errCode("GET", "/api/v1/templates/99999", f.a1Tok, nil, 404)
	f.errCode("PUT", "/api/v1/templates/99999", f.rootTok, tp, 404)
	var ts List[termgoal.Template]
	f.do("GET", "/api/v1/templates", f.a1Tok, nil, 200, &ts)
	if ts.Total != 2 {
		t.Errorf("templates %+v", ts)
	}

	days := map[string]any{"source": "国办发明电〔2026〕7号", "days": []CalendarDay{{Date: "2029-01-01", Working: false, Name: "元旦"}, {Date: "2029-02-07", Working: true}}}
	f.errCode("PUT", "/api/v1/calendar/years/2029", f.aTok, days, 403)
	f.errCode("PUT", "/api/v1/calendar/years/2029", f.rootTok, map[string]any{"source": "x", "days": []CalendarDay{{Date: "2030-01-01"}}}, 422)
	f.errCode("PUT", "/api/v1/calendar/years/2029", f.rootTok, map[string]any{"source": "x", "days": []CalendarDay{{Date: "2029-01-01"}, {Date: "2029-01-01"}}}, 422)
	f.errCode("PUT", "/api/v1/calendar/years/2029", f.rootTok, map[string]any{"source": " ", "days": []CalendarDay{{Date: "2029-01-01"}}}, 422)
	f.errCode("PUT", "/api/v1/calendar/years/1900", f.rootTok, days, 422)
	var before struct{ Selected app.CalendarYearState }
	f.do("GET", "/api/v1/calendar?year=2029", f.a1Tok, nil, 200, &before)
	f.do("PUT", "/api/v1/calendar/years/2029", f.rootTok, days, 200, nil)
	var overview app.CalendarOverview
	f.do("GET", "/api/v1/calendar?year=2029", f.a1Tok, nil, 200, &overview)
	if before.Selected.Known() || !overview.Year.Known() || overview.Year.Corrected.Source != "国办发明电〔2026〕7号" || overview.CanEdit ||
		len(overview.Days) != 2 || !overview.Days[1].Working {
		t.Errorf("the overview of 2029 before %+v and after %+v", before, overview)
	}
	f.errCode("GET", "/api/v1/calendar?year=1900", f.a1Tok, nil, 422)
	var cal struct {
		Years []int
		Days  []CalendarDay
	}
	f.do("GET", "/api/v1/calendar/years", f.a1Tok, nil, 200, &cal)
	if len(cal.Years) != 1 || cal.Years[0] != 2029 || len(cal.Days) != 2 || cal.Days[0].Name != "元旦" {
		t.Errorf("calendar %+v", cal)
	}
}

func TestTermsProcessesAndTasks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	day := mustDay
	term := termgoal.Term{OrgID: f.a1.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
		Start: day("2026-01-10"), End: day("2030-01-09"), TemplateID: f.tmpl.ID}
	f.errCode("POST", "/api/v1/terms", f.aTok, termgoal.Term{OrgID: f.a1.ID, HolderKind: "org", Appointment: "elected", TemplateID: f.tmpl.ID}, 422)
	inB := term
	inB.OrgID = f.b.ID
	f.errCode("POST", "/api/v1/terms", f.aTok, inB, 403)
	noTmpl := term
	noTmpl.TemplateID = 99999
	f.errCode("POST", "/api/v1/terms", f.aTok, noTmpl, 422)
	var got termgoal.Term
	f.do("POST", "/api/v1/terms", f.aTok, term, 201, &got)
	path := fmt.Sprintf("/api/v1/terms/%d", got.ID)
	f.do("GET", path, f.a1Tok, nil, 200, nil)
	f.errCode("GET", path, f.no, nil, 403)
	f.errCode("GET", "/api/v1/terms/99999", f.aTok, nil, 404)
	var terms List[termgoal.Term]
	f.do("GET", "/api/v1/terms", f.rootTok, nil, 200, &terms)
	if terms.Total != 1 {
		t.Errorf("terms %+v", terms)
	}
	f.do("GET", fmt.Sprintf("/api/v1/terms?org_id=%d", f.b.ID), f.rootTok, nil, 200, &terms)
	if terms.Total != 0 {
		t.Errorf("terms under b %+v", terms)
	}
	f.errCode("GET", fmt.Sprintf("/api/v1/terms?org_id=%d", f.b.ID), f.aTok, nil, 403)
	f.errCode("POST", path+"/goal-setting", f.a1Tok, nil, 403)

	// A process as its workflow would write it, with a task for an account without grants.
	pid := "goalsetting-term-test"
	err := f.store.Apply(ctx, termgoal.Change{ID: "c1", At: time.Now(), Action: "started",
		Process: termgoal.Process{ID: pid, Kind: "goal_setting", TermID: got.ID, OrgID: f.a1.ID, Step: termgoal.StepDraft,
			Status: "running", DeadlineOn: day("2026-03-10"), StartedAt: time.Now(), UpdatedAt: time.Now()},
		Open: []termgoal.Task{{ID: pid + "-1", ProcessID: pid, TermID: got.ID, OrgID: f.a1.ID, Step: termgoal.StepDraft,
			Kind: "draft", AccountID: f.accounts["nobody"].ID, Status: "open", DueOn: day("2026-01-20"), CreatedAt: time.Now()}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetTermProcess(ctx, got.ID, pid); err != nil {
		t.Fatal(err)
	}
	f.errCode("POST", path+"/goal-setting", f.aTok, nil, 409)

	var view app.ProcessView
	f.do("GET", "/api/v1/processes/"+pid, f.no, nil, 200, &view) // the assignee
	if view.Process.Step != termgoal.StepDraft || len(view.OpenTasks) != 1 || view.TemporalURL != "" {
		t.Errorf("view %+v", view)
	}
	f.do("GET", "/api/v1/processes/"+pid, f.aTok, nil, 200, &view) // an administrator: the Temporal UI too
	if view.TemporalURL != "http://ui/namespaces/default/workflows/"+pid {
		t.Errorf("the administrator's view links %q", view.TemporalURL)
	}
	f.do("GET", path, f.no, nil, 200, nil) // the term, through the task
	f.errCode("GET", "/api/v1/processes/nope", f.aTok, nil, 404)
	var procs List[termgoal.Process]
	f.do("GET", "/api/v1/processes", f.aTok, nil, 200, &procs)
	if procs.Total != 1 {
		t.Errorf("processes %+v", procs)
	}

	var inbox List[termgoal.Task]
	f.do("GET", "/api/v1/tasks", f.no, nil, 200, &inbox)
	if inbox.Total != 1 || inbox.Items[0].Kind != "draft" {
		t.Errorf("inbox %+v", inbox)
	}
	f.do("GET", "/api/v1/tasks?status=done", f.no, nil, 200, &inbox)
	if inbox.Total != 0 {
		t.Errorf("done %+v", inbox)
	}
	f.errCode("GET", "/api/v1/tasks?status=maybe", f.no, nil, 422)
	var counts termgoal.InboxCounts
	f.do("GET", "/api/v1/tasks/counts", f.no, nil, 200, &counts)
	if counts.Todo != 1 {
		t.Errorf("counts %+v", counts)
	}
	f.do("GET", "/api/v1/tasks/"+pid+"-1", f.no, nil, 200, nil)
	f.do("GET", "/api/v1/tasks/"+pid+"-1", f.aTok, nil, 200, nil)
	f.errCode("GET", "/api/v1/tasks/"+pid+"-1", f.a1Tok, nil, 403)
	f.errCode("GET", "/api/v1/tasks/nope", f.no, nil, 404)

	var audit List[termgoal.Audit]
	f.do("GET", fmt.Sprintf("/api/v1/audit?term_id=%d", got.ID), f.aTok, nil, 200, &audit)
	if audit.Total < 1 {
		t.Errorf("audit %+v", audit)
	}
	f.errCode("GET", "/api/v1/audit?process_id="+pid, f.a1Tok, nil, 403)

	// Actions that fail before reaching Temporal.
	f.errCode("POST", "/api/v1/processes/"+pid+"/actions/dance", f.no, `{}`, 404)
	f.errCode("POST", "/api/v1/processes/"+pid+"/actions/vote", f.no, `{"choice":`, 400)
	f.errCode("POST", "/api/v1/processes/"+pid+"/actions/vote", f.no, `{"choice":"for","weight":2}`, 400)
	f.errCode("POST", "/api/v1/notices/"+pid+"/objections", "", `{"content":"x","author":"me"}`, 400)
}

func mustDay(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestPublicNotices(t *testing.T) {
	f := newFixture(t)
	var ns List[termgoal.Notice]
	f.do("GET", "/api/v1/notices", "", nil, 200, &ns)
	if ns.Total != 0 || ns.Items == nil {
		t.Errorf("notices %+v", ns)
	}
	f.errCode("GET", "/api/v1/notices/nope", "", nil, 404)
}

// An appraisal's notice publishes the result: the grade, the score and why the grade differs
// from the computed one; the plan it was appraised on; never the sheets or the self-assessment.
func TestResultNotice(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	term := termgoal.Term{OrgID: f.a1.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
		Start: mustDay("2026-01-10"), End: mustDay("2030-01-09"), TemplateID: f.tmpl.ID}
	if err := f.store.CreateTerm(ctx, &term); err != nil {
		t.Fatal(err)
	}
	pid, now := "appraisal-term-test", time.Now()
	items := []termgoal.PlanItem{{Category: "c", Title: "集体经济", Targets: map[string]string{"2026": "1"}, Weight: 100, Owner: "书记"}}
	err := f.store.Apply(ctx, termgoal.Change{ID: "c1", At: now, Action: "result_determined",
		Process: termgoal.Process{ID: pid, Kind: termgoal.AppraisalAnnual, TermID: term.ID, OrgID: f.a1.ID, Step: termgoal.StepNotice,
			Status: "running", Version: 1, DeadlineOn: mustDay("2027-03-10"), StartedAt: now, UpdatedAt: now},
		PlanVersion: &termgoal.PlanVersion{TermID: term.ID, Version: 1, Items: items, Step: termgoal.StepPledge, Status: "in_force"},
		Notice:      &termgoal.Notice{ProcessID: pid, Round: 1, TermID: term.ID, OrgID: f.a1.ID, Title: "青山村", Version: 1, StartsOn: now, EndsOn: now.AddDate(0, 0, 7), Status: "open"},
		Appraisal: &termgoal.AppraisalRecord{ProcessID: pid, TermID: term.ID, OrgID: f.a1.ID, Kind: termgoal.AppraisalAnnual, Year: 2026,
			PeriodFrom: mustDay("2026-01-01"), PeriodTo: mustDay("2026-12-31"), Scale: "organization", Status: "running",
			Self:   &termgoal.SelfAssessment{Summary: "内部自评"},
			Result: &termgoal.AppraisalResult{Score: 83.6, Computed: termgoal.GradeBasicallyCompleted, Grade: termgoal.GradeNotCompleted, Reason: "台账不实"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var ns List[termgoal.Notice]
	f.do("GET", "/api/v1/notices", "", nil, 200, &ns)
	if ns.Total != 1 || ns.Items[0].Kind != termgoal.AppraisalAnnual {
		t.Errorf("notices %+v", ns)
	}
	var v app.NoticeView
	raw := f.do("GET", "/api/v1/notices/"+pid, "", nil, 200, &v)
	if v.Result == nil || v.Result.Grade != termgoal.GradeNotCompleted || v.Result.Score != 83.6 || v.Result.Reason != "台账不实" || len(v.Items) != 1 {
		t.Errorf("notice %s", raw)
	}
	if strings.Contains(string(raw), "内部自评") {
		t.Error("the notice publishes the self-assessment")
	}
}

// A checked mid-year self-check is made public: its notice shows the report.
func TestSelfCheckNotice(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	term := termgoal.Term{OrgID: f.a1.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
		Start: mustDay("2026-01-10"), End: mustDay("2030-01-09"), TemplateID: f.tmpl.ID}
	if err := f.store.CreateTerm(ctx, &term); err != nil {
		t.Fatal(err)
	}
	pid, now := "report-term-test-2026-H1", time.Now()
	items := []termgoal.PlanItem{{Category: "c", Title: "集体经济", Quantitative: true, Unit: "万元", Targets: map[string]string{"2026": "10"}, Weight: 100, Owner: "书记"}}
	err := f.store.Apply(ctx, termgoal.Change{ID: "c1", At: now, Action: "approved",
		Process: termgoal.Process{ID: pid, Kind: termgoal.ProgressMidYear, TermID: term.ID, OrgID: f.a1.ID, Step: termgoal.StepNotice,
			Status: "running", Version: 1, DeadlineOn: mustDay("2026-07-31"), StartedAt: now, UpdatedAt: now},
		PlanVersion: &termgoal.PlanVersion{TermID: term.ID, Version: 1, Items: items, Step: termgoal.StepPledge, Status: "in_force"},
		Notice:      &termgoal.Notice{ProcessID: pid, Round: 1, TermID: term.ID, OrgID: f.a1.ID, Title: "青山村", Version: 1, StartsOn: now, EndsOn: now.AddDate(0, 0, 7), Status: "open"},
		Progress: &termgoal.ProgressReport{ProcessID: pid, TermID: term.ID, Kind: termgoal.ProgressMidYear, Year: 2026, Period: "2026-H1",
			Entries: []termgoal.ProgressEntry{{No: 1, Value: 3, Note: "偏慢"}}, Summary: "上半年自查", Lagging: []int{1}, At: now},
	})
	if err != nil {
		t.Fatal(err)
	}
	var v app.NoticeView
	raw := f.do("GET", "/api/v1/notices/"+pid, "", nil, 200, &v)
	if v.Report == nil || v.Report.Summary != "上半年自查" || len(v.Report.Lagging) != 1 || v.Result != nil {
		t.Errorf("notice %s", raw)
	}
	body, _ := f.page("GET", "/notices/"+pid, "", 200)
	for _, want := range []string{"关于青山村年中自查情况的公示", `id="notice-report"`, `id="notice-lagging"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the notice page lacks %q", want)
		}
	}
}

// setTemporal gives the handler and its operations a Temporal client (a fake, or a dev
// server's).
func (h *Handler) setTemporal(c client.Client) { h.temporal, h.ops.Temporal = c, c }
