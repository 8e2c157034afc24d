package api

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"termgoal"
	"termgoal/app"
	"termgoal/workflows"
)

// The pickers (issue 25): /pick finds accounts by name, user name or org within the caller's
// reach, as JSON for picker.js and as a plain search page; people only for administrators. A
// form takes the picker's value, a user name or a name only one account bears; a name two
// accounts bear is refused with both to choose from, and nothing is sent.
func TestPickers(t *testing.T) {
	f := newFixture(t)
	rec := &recordingTemporal{}
	f.h.setTemporal(rec)
	ctx := context.Background()
	f.account("twinA", termgoal.RoleSuperior, f.a.ID)
	f.account("twinB", termgoal.RoleSuperior, f.b.ID)
	for _, u := range []string{"twinA", "twinB"} {
		a := f.accounts[u]
		if _, err := f.store.DB().ExecContext(ctx, `UPDATE accounts SET display_name = '张主任' WHERE id = $1`, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	pickJSON := func(token, query string) []struct{ Value, Label string } {
		t.Helper()
		req := httptest.NewRequest("GET", "/pick?"+query, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, req)
		var out struct {
			Items []struct{ Value, Label string }
		}
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &out) != nil {
			t.Fatalf("GET /pick?%s: %d %s", query, w.Code, w.Body.String())
		}
		return out.Items
	}
	// holderA1 reaches a's and a1's accounts and those above, never b's.
	got := pickJSON(f.a1Tok, "kind=accounts&q=张")
	if len(got) != 1 || got[0].Value != "张主任（twinA）" || !strings.Contains(got[0].Label, "上级 · a") {
		t.Errorf("holderA1 picks %+v", got)
	}
	if got := pickJSON(f.rootTok, "kind=accounts&q=张&role=superior"); len(got) != 2 {
		t.Errorf("the root administrator picks %+v", got)
	}
	if got := pickJSON(f.rootTok, "kind=accounts&q=a1"); len(got) != 1 || got[0].Value != app.AccountValue("holderA1 姓名", "holderA1") {
		t.Errorf("by org a1: %+v", got)
	}
	if got := pickJSON(f.no, "kind=accounts&q="); len(got) != 0 {
		t.Errorf("an account without grants picks %+v", got)
	}
	body, _ := f.page("GET", "/pick?kind=accounts&q=twin", f.rootTok, 200)
	for _, want := range []string{`id="pick-form"`, "<code>张主任（twinA）</code>", "<code>张主任（twinB）</code>", `name="role"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the search page lacks %q:\n%s", want, body)
		}
	}
	f.page("GET", "/pick?kind=people", f.a1Tok, 403)
	li := termgoal.Person{Name: "李卫", Gender: "male"}
	if err := f.store.CreatePerson(ctx, &li); err != nil {
		t.Fatal(err)
	}
	if got := pickJSON(f.aTok, "kind=people&q=李"); len(got) != 1 || got[0].Value != app.PersonValue(li) {
		t.Errorf("people: %+v", got)
	}

	// The batch's reassignment names its accounts through the pickers.
	holder, due := f.accounts["holderA1"], mustDay("2026-01-05")
	if err := f.store.Apply(ctx, termgoal.Change{ID: "gs-pick/c/1", At: time.Now(), Action: "assigned",
		Process: termgoal.Process{ID: "gs-pick", Kind: "goal_setting", TermID: f.appraisalTerm(f.a1, f.tmpl, 0).ID, OrgID: f.a1.ID,
			Step: termgoal.StepApproval, Status: "running", DeadlineOn: due, StepDueOn: &due, StartedAt: time.Now()},
		Open: []termgoal.Task{{ID: "gs-pick-t", Kind: "approve", AccountID: holder.ID, DueOn: due}}}); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"key": {"P1"}, "action": {"reassign"}, "from": {"holderA1 姓名"}, "to": {"张主任"}, "reason": {"休假"}}
	body, _ = f.formPost("/processes/batch", f.aTok, form, 422)
	if !strings.Contains(body, "有多个账号叫“张主任”") || !strings.Contains(body, "张主任（twinA）、张主任（twinB）") || !strings.Contains(body, `value="张主任"`) {
		t.Errorf("an ambiguous name:\n%s", body)
	}
	form.Set("to", "无此人")
	if body, _ := f.formPost("/processes/batch", f.aTok, form, 422); !strings.Contains(body, "没有用户名或姓名为“无此人”的账号") {
		t.Errorf("an unknown name:\n%s", body)
	}
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("refused forms acted: %+v", got)
	}
	form.Set("to", "张主任（twinA）")
	f.formPost("/processes/batch", f.aTok, form, 303)
	got2 := rec.take()
	if in, _ := got2[0].Args[0].(*workflows.ReassignInput); len(got2) != 1 || in == nil || in.From != holder.ID || in.To.AccountID != f.accounts["twinA"].ID {
		t.Fatalf("reassigned %+v", got2)
	}

	// The handover's successor is a person of the register picked by name.
	leaver := termgoal.Person{Name: "王离", Gender: "male"}
	if err := f.store.CreatePerson(ctx, &leaver); err != nil {
		t.Fatal(err)
	}
	term := f.appraisalTerm(f.a1, f.tmpl, leaver.ID)
	path := "/terms/" + strconv.FormatInt(term.ID, 10)
	body, _ = f.page("GET", path, f.aTok, 200)
	if !strings.Contains(body, `id="handover-to" list="people" data-pick="people"`) || !strings.Contains(body, `href="/pick?kind=people"`) {
		t.Errorf("the handover's picker:\n%s", body)
	}
	hand := url.Values{"key": {"H1"}, "to_person": {"李卫"}, "on": {"2026-05-01"}, "reason": {"调任"}}
	f.formPost(path+"/handover", f.aTok, hand, 303)
	if got := rec.take(); len(got) != 1 || got[0].Args[0].(*workflows.HandoverInput).ToPersonID != li.ID {
		t.Fatalf("handed over %+v", got)
	}
	twin := termgoal.Person{Name: "李卫", Gender: "male"}
	if err := f.store.CreatePerson(ctx, &twin); err != nil {
		t.Fatal(err)
	}
	hand.Set("key", "H2")
	body, _ = f.formPost(path+"/handover", f.aTok, hand, 422)
	if !strings.Contains(body, "名册中有多人叫“李卫”") || !strings.Contains(body, app.PersonValue(twin)) || !strings.Contains(body, `value="李卫"`) {
		t.Errorf("two people called 李卫:\n%s", body)
	}
	hand.Set("to_person", app.PersonValue(twin))
	f.formPost(path+"/handover", f.aTok, hand, 303)
	if got := rec.take(); len(got) != 1 || got[0].Args[0].(*workflows.HandoverInput).ToPersonID != twin.ID {
		t.Fatalf("handed over to the second 李卫: %+v", got)
	}

	// The pages that name people carry the pickers.
	body, _ = f.page("GET", "/processes", f.aTok, 200)
	if !strings.Contains(body, `id="batch-to" maxlength="100" list="accounts" data-pick="accounts"`) || !strings.Contains(body, `/static/picker.js`) ||
		!strings.Contains(body, `href="/pick?kind=accounts"`) {
		t.Errorf("the batch form's pickers:\n%s", body)
	}
}
