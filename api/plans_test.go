package api

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"termgoal"
)

// planWorld is a person's term in a1 whose goal setting brought version 1 into force in the
// first hour of 2026-03-03 China time (still 2026-03-02 in UTC), and whose amendment brought
// version 3 into force on 2026-06-15; version 2 was a draft of the amendment, returned.
type planWorld struct {
	term termgoal.Term
	goal string // the goal-setting process
	amd  string // the amendment
}

var cst = time.FixedZone("CST", 8*3600)

func (f *fixture) planWorld() planWorld {
	f.t.Helper()
	ctx := context.Background()
	person := termgoal.Person{Name: "王书记", Gender: "male"}
	if err := f.store.CreatePerson(ctx, &person); err != nil {
		f.t.Fatal(err)
	}
	post := termgoal.Post{OrgID: f.a1.ID, Title: "党支部书记", Principal: true}
	if err := f.store.CreatePost(ctx, &post); err != nil {
		f.t.Fatal(err)
	}
	w := planWorld{goal: "goalsetting-term-p", amd: "amendment-term-p-1"}
	w.term = termgoal.Term{OrgID: f.a1.ID, HolderKind: termgoal.HolderPerson, PersonID: &person.ID, PostID: &post.ID,
		Appointment: termgoal.Elected, Start: mustDay("2026-01-10"), End: mustDay("2027-01-09"), TemplateID: f.tmpl.ID}
	if err := f.store.CreateTerm(ctx, &w.term); err != nil {
		f.t.Fatal(err)
	}
	if err := f.store.SetTermProcess(ctx, w.term.ID, w.goal); err != nil {
		f.t.Fatal(err)
	}
	items := func(title string) []termgoal.PlanItem {
		return []termgoal.PlanItem{{Category: "党建", Title: title, Targets: map[string]string{"2026": title + "2026", "2027": title + "2027"},
			Weight: 100, Owner: "王书记"}}
	}
	apply := func(id, process, kind string, at time.Time, v int, status, title string) {
		p := termgoal.Process{ID: process, Kind: kind, TermID: w.term.ID, OrgID: f.a1.ID, Step: termgoal.StepInForce,
			Status: "completed", Version: v, DeadlineOn: mustDay("2026-03-10"), StartedAt: at}
		c := termgoal.Change{ID: id, At: at, Action: id, Process: p, InForce: status == "in_force",
			PlanVersion: &termgoal.PlanVersion{Version: v, Items: items(title), Step: termgoal.StepApproval, Status: status}}
		if err := f.store.Apply(ctx, c); err != nil {
			f.t.Fatal(err)
		}
	}
	apply("v1", w.goal, "goal_setting", time.Date(2026, 3, 3, 1, 0, 0, 0, cst), 1, "in_force", "村集体收入")
	apply("v2", w.amd, "plan_amendment", time.Date(2026, 6, 1, 9, 0, 0, 0, cst), 2, "draft", "草稿")
	apply("v3", w.amd, "plan_amendment", time.Date(2026, 6, 15, 16, 0, 0, 0, cst), 3, "in_force", "调整后收入")
	f.h.cfg.Now = func() time.Time { return time.Date(2026, 7, 1, 9, 0, 0, 0, cst) }
	f.h.ops.Now = f.h.cfg.Now
	return w
}

func TestPlanInForceAPI(t *testing.T) {
	f := newFixture(t)
	bTok := f.account("holderB", termgoal.RoleHolder, f.b.ID) // signed in before the clock is set
	w := f.planWorld()
	base := fmt.Sprintf("/api/v1/terms/%d", w.term.ID)

	f.errCode("GET", base+"/plan", "", nil, 401)
	f.errCode("GET", base+"/plans", "", nil, 401)
	f.errCode("GET", base+"/plan", f.no, nil, 403)
	f.errCode("GET", base+"/plans", f.no, nil, 403)
	f.errCode("GET", base+"/plan?on=2026-07-01", bTok, nil, 403)
	f.errCode("GET", "/api/v1/terms/99999/plan", f.aTok, nil, 404)
	f.errCode("GET", "/api/v1/terms/x/plans", f.aTok, nil, 404)
	for _, bad := range []string{"2026-13-01", "yesterday", "2026-6-1"} {
		f.errCode("GET", base+"/plan?on="+bad, f.a1Tok, nil, 400)
	}

	// 2026-03-02 in China ends before version 1 came into force (though it was then still
	// 2026-03-02 in UTC).
	e := f.errCode("GET", base+"/plan?on=2026-03-02", f.a1Tok, nil, 404)
	if e.Error.Message != "该日期没有生效的目标方案。" {
		t.Errorf("message %q", e.Error.Message)
	}
	f.errCode("GET", base+"/plan?on=2025-12-31&lang=en", f.a1Tok, nil, 404)
	for on, want := range map[string]int{"2026-03-03": 1, "2026-06-14": 1, "2026-06-15": 3, "2027-01-09": 3, "": 3} {
		var v termgoal.PlanVersion
		f.do("GET", base+"/plan?on="+on, f.a1Tok, nil, 200, &v)
		if v.Version != want || len(v.Items) != 1 || v.InForceFrom == nil {
			t.Errorf("on %q: version %d %+v, want %d", on, v.Version, v, want)
		}
	}
	var v termgoal.PlanVersion
	f.do("GET", base+"/plan?on=2026-04-01", f.aTok, nil, 200, &v)
	if v.Items[0].Title != "村集体收入" || v.Items[0].Targets["2027"] != "村集体收入2027" ||
		!v.InForceFrom.Equal(time.Date(2026, 3, 3, 1, 0, 0, 0, cst)) || !v.InForceUntil.Equal(time.Date(2026, 6, 15, 16, 0, 0, 0, cst)) {
		t.Errorf("version 1 = %+v", v)
	}

	var vs List[termgoal.PlanVersion]
	f.do("GET", base+"/plans", f.a1Tok, nil, 200, &vs)
	if vs.Total != 3 || len(vs.Items) != 3 {
		t.Fatalf("plans = %+v", vs)
	}
	got := ""
	for _, v := range vs.Items {
		got += fmt.Sprintf("%d:%s:%v:%v ", v.Version, v.Status, v.InForceFrom != nil, v.InForceUntil != nil)
	}
	if got != "3:in_force:true:false 2:superseded:false:false 1:superseded:true:true " {
		t.Errorf("plans = %s", got)
	}
	raw := string(f.do("GET", base+"/plans", f.rootTok, nil, 200, nil))
	if !strings.Contains(raw, `"in_force_from":"2026-06-15T08:00:00Z"`) || !strings.Contains(raw, `"in_force_until":"2026-06-15T08:00:00Z"`) {
		t.Errorf("plans JSON lacks the periods: %s", raw)
	}
}

func TestWebTerm(t *testing.T) {
	f := newFixture(t)
	w := f.planWorld()
	path := fmt.Sprintf("/terms/%d", w.term.ID)

	body, _ := f.page("GET", path, f.a1Tok, 200)
	for _, want := range []string{
		"王书记", "a1", "党支部书记", "2026-01-10 – 2027-01-09", "目标已生效", // the facts
		"2026-07-01 生效的目标方案", "自 2026-06-15 16:00 起生效", "调整后收入2026", "调整后收入2027", // the plan in force today
		`data-version="3" data-status="in_force"`, `data-version="2" data-status="superseded"`, `data-version="1" data-status="superseded"`,
		"2026-03-03 01:00", "现行有效", // the periods, in China time
		`href="/processes/` + w.goal + `"`, `href="/processes/` + w.amd + `"`, "目标制定", "目标调整",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("term page lacks %q", want)
		}
	}
	if strings.Contains(body, "村集体收入2026") {
		t.Error("the term page shows the superseded plan as the plan in force")
	}
	body, _ = f.page("GET", path+"?lang=en", f.aTok, 200)
	for _, want := range []string{"Plan in force on 2026-07-01", "still in force", "Plan amendment", "In force from"} {
		if !strings.Contains(body, want) {
			t.Errorf("English term page lacks %q", want)
		}
	}

	// Before anything came into force.
	f.h.cfg.Now = func() time.Time { return time.Date(2026, 3, 2, 23, 0, 0, 0, cst) }
	f.h.ops.Now = f.h.cfg.Now
	body, _ = f.page("GET", path, f.a1Tok, 200)
	if !strings.Contains(body, `id="no-plan-in-force"`) {
		t.Error("term page before the goals came into force shows a plan")
	}

	f.page("GET", path, f.no, 403)
	f.page("GET", "/terms/99999", f.aTok, 404)
	_, loc := f.page("GET", path, "", 303)
	if !strings.HasPrefix(loc, "/login?next=") {
		t.Errorf("anonymous: Location %q", loc)
	}

	// The process page links its term.
	body, _ = f.page("GET", "/processes/"+w.goal, f.a1Tok, 200)
	if !strings.Contains(body, `<a href="`+path+`" id="term-link">`) {
		t.Error("process page does not link the term page")
	}

	// Two versions side by side: by default the one before the latest and the latest; any two
	// on asking. An item renamed in its category is one item changed, its title and targets marked.
	body, _ = f.page("GET", "/processes/"+w.amd+"?from=1&to=3", f.aTok, 200)
	for _, want := range []string{`id="plan-diff"`, `data-change="changed"`, "修改", "村集体收入", "调整后收入",
		`<td class="changed">村集体收入</td>`, `<td class="changed">2026: 调整后收入2026 · 2027: 调整后收入2027</td>`,
		`<option value="1" selected>`, `<option value="3" selected>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the versions side by side lack %q", want)
		}
	}
	if strings.Contains(body, `<td class="num changed">`) {
		t.Error("the unchanged weight is marked")
	}
	body, _ = f.page("GET", "/processes/"+w.amd+"?from=3&to=3&lang=en", f.aTok, 200)
	if !strings.Contains(body, `data-change="same"`) || !strings.Contains(body, "Unchanged") || strings.Contains(body, `data-change="changed"`) {
		t.Error("a version compared with itself shows changes")
	}
}
