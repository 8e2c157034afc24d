package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"termgoal"
	"termgoal/edge"
)

// inboxFixture gives the account "nobody" an inbox (today is the handler's today):
//
//	p1 (org a1, at the draft):   k1 due 2 days ago, k2 in 2 days, k3 in 10 days; k4 done
//	p2 (org b, at the approval): k5 due tomorrow; p2 is copied to nobody
func inboxFixture(t *testing.T) (*fixture, *termgoal.Account, map[string]termgoal.Process) {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	me := f.accounts["nobody"]
	today := f.h.ops.Today()
	now := time.Now()
	procs := map[string]termgoal.Process{}
	for i, org := range []termgoal.Org{f.a1, f.b} {
		term := termgoal.Term{OrgID: org.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
			Start: mustDay("2026-01-10"), End: mustDay("2030-01-09"), TemplateID: f.tmpl.ID}
		if err := f.store.CreateTerm(ctx, &term); err != nil {
			t.Fatal(err)
		}
		pid, step := "p1", termgoal.StepDraft
		if i == 1 {
			pid, step = "p2", termgoal.StepApproval
		}
		task := func(id string, days, created int) termgoal.Task {
			return termgoal.Task{ID: id, Kind: "draft", AccountID: me.ID, DueOn: today.AddDate(0, 0, days),
				CreatedAt: now.Add(time.Duration(created) * time.Second)}
		}
		c := termgoal.Change{ID: pid + "-open", At: now, Action: "started",
			Process: termgoal.Process{ID: pid, Kind: "goal_setting", TermID: term.ID, OrgID: org.ID, Step: step,
				Status: "running", DeadlineOn: today.AddDate(0, 2, 0), StartedAt: now}}
		procs[pid] = c.Process
		if pid == "p1" {
			c.Open = []termgoal.Task{task("k1", -2, 1), task("k2", 2, 2), task("k3", 10, 3), task("k4", 0, 0)}
		} else {
			c.Open = []termgoal.Task{task("k5", 1, 5)}
			c.Copies = []termgoal.Copy{{AccountID: me.ID, ByName: "adminA 姓名", Note: "请阅"}}
		}
		if err := f.store.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	err := f.store.Apply(ctx, termgoal.Change{ID: "p1-close", At: now.Add(time.Minute), Action: "submitted", Process: procs["p1"],
		Close: []termgoal.TaskClose{{ID: "k4", Status: termgoal.TaskDone, Outcome: "submitted"}}})
	if err != nil {
		t.Fatal(err)
	}
	return f, me, procs
}

func TestInboxParams(t *testing.T) {
	f, _, _ := inboxFixture(t)
	tasks := func(query string) (string, int) {
		t.Helper()
		var l List[termgoal.Task]
		f.do("GET", "/api/v1/tasks"+query, f.no, nil, 200, &l)
		var ids []string
		for _, tk := range l.Items {
			ids = append(ids, tk.ID)
		}
		return strings.Join(ids, " "), l.Total
	}
	for _, c := range []struct {
		query, want string
		total       int
	}{
		{"", "k1 k5 k2 k3", 4},
		{"?box=todo&sort=due", "k1 k5 k2 k3", 4},
		{"?status=open", "k1 k5 k2 k3", 4},
		{"?limit=2", "k1 k5", 4},
		{"?limit=2&offset=2", "k2 k3", 4},
		{"?limit=2&offset=8", "", 4},
		{"?overdue=true", "k1", 1},
		{"?overdue=false", "k1 k5 k2 k3", 4},
		{"?due_within=3", "k5 k2", 2},
		{"?due_within=0", "k1 k5 k2 k3", 4},
		{"?process_id=p2", "k5", 1},
		{"?step=approval", "k5", 1},
		{"?org_id=" + itoa(f.a.ID), "k1 k2 k3", 3},
		{"?org_id=" + itoa(f.b.ID), "k5", 1},
		{"?org_id=99999", "", 0},
		{"?sort=-due", "k3 k2 k5 k1", 4},
		{"?sort=created", "k1 k2 k3 k5", 4},
		{"?sort=-created&limit=1", "k5", 4},
		{"?overdue=true&org_id=" + itoa(f.a1.ID) + "&step=draft&process_id=p1", "k1", 1},
		{"?box=done", "k4", 1},
		{"?status=done", "k4", 1},
		{"?box=done&process_id=p2", "", 0},
	} {
		if got, total := tasks(c.query); got != c.want || total != c.total {
			t.Errorf("GET /tasks%s = %q, %d; want %q, %d", c.query, got, total, c.want, c.total)
		}
	}

	var copies List[termgoal.Copy]
	f.do("GET", "/api/v1/tasks?box=cc", f.no, nil, 200, &copies)
	if copies.Total != 1 || copies.Items[0].ProcessID != "p2" || copies.Items[0].Note != "请阅" || copies.Items[0].ReadAt != nil ||
		copies.Items[0].Step != termgoal.StepApproval || copies.Items[0].OrgName != "b" {
		t.Errorf("copies %+v", copies)
	}
	f.do("GET", "/api/v1/tasks?box=cc&org_id="+itoa(f.a.ID), f.no, nil, 200, &copies)
	if copies.Total != 0 || copies.Items == nil {
		t.Errorf("copies under a %+v", copies)
	}
	f.do("GET", "/api/v1/tasks?box=cc", f.aTok, nil, 200, &copies)
	if copies.Total != 0 {
		t.Errorf("adminA's copies %+v", copies)
	}

	var counts termgoal.InboxCounts
	f.do("GET", "/api/v1/tasks/counts", f.no, nil, 200, &counts)
	if want := (termgoal.InboxCounts{Todo: 4, Overdue: 1, DueSoon: 2, Done: 1, CC: 1}); counts != want {
		t.Errorf("counts = %+v, want %+v", counts, want)
	}
	f.errCode("GET", "/api/v1/tasks/counts", "", nil, 401)
}

func TestInboxBadParams(t *testing.T) {
	f, _, _ := inboxFixture(t)
	for query, want := range map[string]int{
		"?box=maybe":               422,
		"?status=maybe":            422,
		"?overdue=maybe":           422,
		"?due_within=soon":         400,
		"?due_within=-1":           422,
		"?due_within=400":          422,
		"?org_id=x":                400,
		"?org_id=-3":               422,
		"?step=nap":                422,
		"?sort=priority":           422,
		"?box=done&overdue=true":   422,
		"?box=done&due_within=3":   422,
		"?box=cc&overdue=true":     422,
		"?box=cc&sort=due":         422,
		"?limit=0":                 422,
		"?offset=10001":            422,
		"?limit=x":                 400,
		"?box=cc&step=nap&limit=1": 422,
	} {
		f.errCode("GET", "/api/v1/tasks"+query, f.no, nil, want)
	}
	f.errCode("GET", "/api/v1/tasks", "", nil, 401)
	if e := f.errCode("GET", "/api/v1/tasks?step=nap", f.no, nil, 422); e.Error.Message != "未知的步骤：nap。" {
		t.Errorf("zh-CN message %q", e.Error.Message)
	}
	if e := f.errCode("GET", "/api/v1/tasks?box=done&overdue=true&lang=en", f.no, nil, 422); e.Error.Message !=
		"The overdue and due-within filters apply to the to-do box only." {
		t.Errorf("en message %q", e.Error.Message)
	}
	if e := f.errCode("GET", "/api/v1/tasks?due_within=soon&lang=en", f.no, nil, 400); !strings.Contains(e.Error.Message, "due_within") {
		t.Errorf("en message %q", e.Error.Message)
	}
}

// webSession signs user in with a session and returns a getter of pages as them.
func webSession(t *testing.T, f *fixture, user string) func(path string) (int, string) {
	t.Helper()
	f.h.engine.POST("/test-login-"+user, func(c *gin.Context) {
		acc, err := f.h.ops.SignIn(c.Request.Context(), user, testPassword, "", c.ClientIP())
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
	f.srv.ServeHTTP(w, httptest.NewRequest("POST", "/test-login-"+user, nil))
	cookies := w.Result().Cookies()
	if w.Code != 204 || len(cookies) == 0 {
		t.Fatalf("sign-in: %d %s", w.Code, w.Body.String())
	}
	return func(path string) (int, string) {
		r := httptest.NewRequest("GET", path, nil)
		for _, ck := range cookies {
			r.AddCookie(ck)
		}
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, r)
		return w.Code, w.Body.String()
	}
}

func TestWebInbox(t *testing.T) {
	f, me, procs := inboxFixture(t)
	get := webSession(t, f, "nobody")
	code, body := get("/inbox")
	if code != 200 {
		t.Fatalf("GET /inbox: %d %s", code, body)
	}
	for _, want := range []string{"我的待办", "抄送我的", `id="tab-open-count">4<`, `id="tab-done-count">1<`, `id="tab-cc-count"`,
		"待办 4 件，其中逾期 1 件", "2 件 3 天内到期", `data-process="p1"`, `data-process="p2"`, "共 4 条", `id="filter-overdue"`,
		"全部步骤", "起草", `value="` + itoa(f.root.ID) + `"`, "按期限（先到期的在前）"} {
		if !strings.Contains(body, want) {
			t.Errorf("the inbox lacks %q", want)
		}
	}
	if _, body := get("/inbox?overdue=true&lang=en"); !strings.Contains(body, "1 in all") ||
		strings.Contains(body, `data-process="p2"`) || !strings.Contains(body, "Copied to me") || !strings.Contains(body, `id="filter-reset"`) {
		t.Errorf("overdue in English: %s", body)
	}
	if _, body := get("/inbox?box=done"); !strings.Contains(body, "共 1 条") || !strings.Contains(body, "办理时间") ||
		strings.Contains(body, `id="filter-overdue"`) {
		t.Errorf("done: %s", body)
	}

	// The copied-to-me box shows the copy as unread once, then it is read.
	_, body = get("/inbox?box=cc")
	if !strings.Contains(body, `class="copy is-unread" data-process="p2"`) || !strings.Contains(body, "请阅") || !strings.Contains(body, "adminA 姓名") {
		t.Errorf("cc: %s", body)
	}
	n, err := f.store.InboxCounts(context.Background(), me.ID, f.h.ops.Today())
	if err != nil || n.CC != 0 {
		t.Errorf("unread copies after the cc box = %+v, %v", n, err)
	}
	if _, body = get("/inbox?box=cc"); strings.Contains(body, "is-unread") || strings.Contains(body, `id="tab-cc-count"`) {
		t.Errorf("cc read: %s", body)
	}

	// Paging keeps the filters.
	for i := range 25 {
		c := termgoal.Change{ID: "more-" + itoa(int64(i)), At: time.Now(), Action: "x", Process: procs["p1"],
			Open: []termgoal.Task{{ID: "m" + itoa(int64(i)), Kind: "draft", AccountID: me.ID, DueOn: f.h.ops.Today().AddDate(0, 0, -5)}}}
		if err := f.store.Apply(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	if _, body = get("/inbox?overdue=true&step=draft"); !strings.Contains(body, "共 26 条") ||
		!strings.Contains(body, `href="/inbox?overdue=true&amp;step=draft&amp;page=2"`) {
		t.Errorf("page 1 of 2: %s", body)
	}
	if _, body = get("/inbox?overdue=true&step=draft&page=2"); strings.Count(body, `class="task`) != 6 {
		t.Errorf("page 2 has %d tasks", strings.Count(body, `class="task`))
	}

	if code, body := get("/inbox?step=nap"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "未知的步骤") {
		t.Errorf("bad step: %d %s", code, body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
