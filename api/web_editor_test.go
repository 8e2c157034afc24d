package api

import (
	"net/url"
	"strings"
	"testing"

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
	task := f.seedTask("gs-edit", term, workflows.KindGoalSetting, termgoal.StepDraft, "draft", holder, nil, nil)
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
