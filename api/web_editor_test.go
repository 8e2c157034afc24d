package api

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"termgoal"
	"termgoal/workflows"
)

// The plan editor (issue 25) without JavaScript: rows are added, moved and removed by buttons
// that bring the page back with the rows changed and kept on the server; a reload shows what
// was typed; plan-editor.js's saves (POST /tasks/{id}/draft) are the drafter's alone; a refused
// draft marks the field at fault; a submitted draft is forgotten.
func TestPlanEditor(t *testing.T) {
	f := newFixture(t)
	rec := &recordingTemporal{refuse: map[string]error{}}
	f.h.setTemporal(rec)
	tpl := termgoal.Template{Name: "村", NoticeDays: 5, DeadlineMonths: 2, Categories: []string{"中心工作", "党的建设"}}
	if err := f.store.CreateTemplate(t.Context(), &tpl); err != nil {
		t.Fatal(err)
	}
	term := f.appraisalTerm(f.a1, tpl, 0) // 2025 to 2027
	holder := f.accounts["holderA1"].ID
	task := f.seedTask("gs-edit", term, workflows.KindGoalSetting, termgoal.StepDraft, "draft", holder, termgoal.ProcessState{}, nil)
	path := "/tasks/" + task
	body, _ := f.page("GET", path, f.a1Tok, 200)
	if !strings.Contains(body, `id="row-2"`) || strings.Contains(body, `id="row-3"`) || !strings.Contains(body, `name="description_0"`) ||
		!strings.Contains(body, `id="add-row"`) || !strings.Contains(body, "/static/plan-editor.js") {
		t.Fatalf("a new draft's editor:\n%s", body)
	}
	row := func(i, title, owner string) url.Values {
		return url.Values{"category_" + i: {"中心工作"}, "title_" + i: {title}, "weight_" + i: {"50"}, "owner_" + i: {owner},
			"target_2025_" + i: {"1"}, "target_2026_" + i: {"2"}, "target_2027_" + i: {"3"}}
	}
	form := url.Values{"key": {"E1"}, "action": {"submit_draft"}, "rows": {"3"}, "note": {"初稿"}}
	for k, v := range row("0", "壮大集体经济", "书记") {
		form[k] = v
	}
	for k, v := range row("1", "党员培训", "") {
		form[k] = v
	}
	form.Set("edit", "add")
	body, _ = f.formPost(path+"/act", f.a1Tok, form, 200)
	if !strings.Contains(body, `id="row-3"`) || !strings.Contains(body, `value="壮大集体经济"`) || !strings.Contains(body, "草稿已于") {
		t.Errorf("after adding a row:\n%s", body)
	}
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("an editor button acted: %+v", got)
	}
	if saved, _, err := f.store.Draft(t.Context(), task, holder); err != nil || saved["title_0"][0] != "壮大集体经济" || saved["rows"][0] != "4" ||
		saved["key"] != nil || saved["note"][0] != "初稿" {
		t.Fatalf("the saved draft: %v, %v", saved, err)
	}
	// A reload shows the draft; the first row moves down, then the blank third row goes.
	body, _ = f.page("GET", path, f.a1Tok, 200)
	if !strings.Contains(body, `id="title_0" value="壮大集体经济"`) || !strings.Contains(body, `id="row-3"`) {
		t.Errorf("the reloaded draft:\n%s", body)
	}
	form.Set("rows", "4")
	form.Set("edit", "down_0")
	body, _ = f.formPost(path+"/act", f.a1Tok, form, 200)
	if !strings.Contains(body, `id="title_0" value="党员培训"`) || !strings.Contains(body, `id="title_1" value="壮大集体经济"`) {
		t.Errorf("after moving the first row down:\n%s", body)
	}
	saved, _, _ := f.store.Draft(t.Context(), task, holder)
	next := url.Values(saved)
	next.Set("key", "E2")
	next.Set("action", "submit_draft")
	next.Set("edit", "remove_2")
	body, _ = f.formPost(path+"/act", f.a1Tok, next, 200)
	if strings.Contains(body, `id="row-3"`) || !strings.Contains(body, `id="row-2"`) {
		t.Errorf("after removing the third row:\n%s", body)
	}

	// The script's saves: the drafter's alone, and only while the draft is open.
	auto := url.Values{"rows": {"1"}, "title_0": {"自动保存的标题"}, "key": {"x"}}
	f.formPost(path+"/draft", f.a1Tok, auto, 204)
	f.formPost(path+"/draft", f.aTok, auto, 403)
	if body, _ := f.page("GET", path, f.a1Tok, 200); !strings.Contains(body, `value="自动保存的标题"`) || strings.Contains(body, `id="row-1"`) {
		t.Errorf("the script's save:\n%s", body)
	}

	// A draft the workflow refuses comes back with the refusal beside the owner of item 2.
	delete(form, "edit")
	form.Set("rows", "2")
	rec.refuse["gs-edit"] = temporal.NewNonRetryableApplicationError("item 2 needs an owner", termgoal.EINVALID, nil,
		workflows.RefusalDetail{Key: "plan.item_owner", Args: map[string]any{"n": 2}})
	body, _ = f.formPost(path+"/act", f.a1Tok, form, 422)
	if !strings.Contains(body, `id="owner_1" value="" class="w-owner" maxlength="200" aria-label="责任人 2" aria-invalid="true" aria-describedby="err-owner-1"`) ||
		!strings.Contains(body, `<span class="field-error" id="err-owner-1" role="alert">`) || strings.Contains(body, `id="err-owner-0"`) {
		t.Errorf("the refusal beside its field:\n%s", body)
	}
	rec.take()
	delete(rec.refuse, "gs-edit")
	form.Set("owner_1", "组织委员")
	form.Set("key", "E3")
	f.formPost(path+"/act", f.a1Tok, form, 303)
	got := rec.take()
	if in, _ := got[0].Args[0].(*workflows.SubmitDraftInput); len(got) != 1 || in == nil || len(in.Items) != 2 || in.Items[1].Owner != "组织委员" {
		t.Fatalf("submitted %+v", got)
	}
	if _, _, err := f.store.Draft(t.Context(), task, holder); termgoal.ErrorCode(err) != termgoal.ENOTFOUND {
		t.Errorf("the submitted draft is still saved: %v", err)
	}
}

// An adopted opinion waiting for a revision: the drafter's consultation task shows it marked
// and the plan editor, started from the latest version, whose form sends revise_plan; once a
// version took the opinion in, the pages link to the change marked.
func TestRevisionAfterAnAdoptedOpinion(t *testing.T) {
	f := newFixture(t)
	rec := &recordingTemporal{refuse: map[string]error{}}
	f.h.setTemporal(rec)
	term := f.appraisalTerm(f.a1, f.tmpl, 0)
	f.planInForce(term) // version 1, two items
	holder := f.accounts["holderA1"].ID
	task := f.seedTask("gs-rev", term, workflows.KindGoalSetting, termgoal.StepConsultation, "answer", holder, termgoal.ProcessState{}, nil)
	opinion := termgoal.Opinion{Seq: 1, AuthorID: 7, AuthorName: "冯代表", Content: "增加集体经济指标", At: time.Now(), Disposition: termgoal.Adopted}
	seedOpinion := func(o termgoal.Opinion, n int) {
		t.Helper()
		err := f.store.Apply(t.Context(), termgoal.Change{ID: fmt.Sprintf("gs-rev/op/%d", n), At: time.Now(), Action: "opinion_answered", Opinion: &o,
			Process: termgoal.Process{ID: "gs-rev", Kind: workflows.KindGoalSetting, TermID: term.ID, OrgID: term.OrgID, Step: termgoal.StepConsultation,
				Status: "running", Version: 1, DeadlineOn: mustDay("2026-03-31"), StartedAt: time.Now()}})
		if err != nil {
			t.Fatal(err)
		}
	}
	seedOpinion(opinion, 1)
	body, _ := f.page("GET", "/tasks/"+task, f.a1Tok, 200)
	for _, want := range []string{`id="revision-needed"`, `id="to-revise-1"`, `<input type="hidden" name="action" value="revise_plan">`,
		`id="title_0" value="发展村集体经济"`, "根据采纳的意见修改目标"} {
		if !strings.Contains(body, want) {
			t.Errorf("the drafter's consultation page lacks %q", want)
		}
	}
	form := url.Values{"key": {"R1"}, "action": {"revise_plan"}, "rows": {"2"}, "note": {"采纳冯代表意见"}}
	for i, title := range []string{"发展村集体经济（增加指标）", "党员培训全覆盖"} {
		n := fmt.Sprint(i)
		form.Set("category_"+n, "中心工作")
		form.Set("title_"+n, title)
		form.Set("weight_"+n, "50")
		form.Set("owner_"+n, "书记")
		for _, y := range term.Years() {
			form.Set(fmt.Sprintf("target_%d_%s", y, n), "1")
		}
	}
	f.formPost("/tasks/"+task+"/act", f.a1Tok, form, 303)
	got := rec.take()
	if in, _ := got[0].Args[0].(*workflows.RevisePlanInput); len(got) != 1 || got[0].UpdateName != workflows.UpdateRevisePlan || in == nil ||
		len(in.Items) != 2 || in.Items[0].Title != "发展村集体经济（增加指标）" || in.Note != "采纳冯代表意见" {
		t.Fatalf("revised %+v", got)
	}
	// The workflow took it in as version 2: no more editor; the pages link to the change.
	opinion.RevisedIn = 2
	seedOpinion(opinion, 2)
	body, _ = f.page("GET", "/tasks/"+task, f.a1Tok, 200)
	if strings.Contains(body, `id="revision-needed"`) || !strings.Contains(body, `id="revised-1"`) || strings.Contains(body, `value="revise_plan"`) {
		t.Errorf("after the revision:\n%s", body)
	}
	f.h.setTemporal(nil) // the process page asks no workflow whether it halted
	if body, _ := f.page("GET", "/processes/gs-rev", f.aTok, 200); !strings.Contains(body, `href="/processes/gs-rev?from=1&amp;to=2#plan-compare"`) {
		t.Errorf("the process page's link to the change:\n%s", body)
	}
}
