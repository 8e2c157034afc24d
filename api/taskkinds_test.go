package api

import (
	"slices"
	"strings"
	"testing"

	"termgoal"
	"termgoal/workflows"
)

// A step and a task kind are each described once (workflows.Steps, workflows.TaskKinds): a
// step and a kind added to the tables reach the task page (its form, window and operations)
// and the API's answer without another edit (issue 27).
func TestTaskKindDescribedOnce(t *testing.T) {
	f := newFixture(t)
	saved, savedSteps := workflows.TaskKinds, workflows.Steps
	t.Cleanup(func() { workflows.TaskKinds, workflows.Steps = saved, savedSteps })
	workflows.TaskKinds = append(slices.Clone(saved), workflows.TaskKind{Name: "test_check",
		Actions: []string{workflows.UpdateApprove}, Ops: []string{workflows.UpdateDelegate}, Form: workflows.TaskApprove})
	const step termgoal.Step = "test_step"
	workflows.Steps = append(slices.Clone(savedSteps), workflows.StepRule{Step: step, Actors: workflows.ActAssigned, Kind: "test_check", Window: true})

	term := f.appraisalTerm(f.a1, f.tmpl, 0)
	holder := f.accounts["holderA1"].ID
	task := f.seedTask("gs-kind", term, workflows.KindGoalSetting, step, "test_check", holder,
		termgoal.ProcessState{Signers: []termgoal.Signer{{Actor: termgoal.Actor{AccountID: holder, Name: "a1"}, Status: "open"}}}, nil)
	var d TaskDetail
	f.do("GET", "/api/v1/tasks/"+task, f.a1Tok, nil, 200, &d)
	if d.Kind != "test_check" || d.Form != workflows.TaskApprove || d.Rule.Step != step || !d.Rule.Window || d.Rule.Kind != "test_check" ||
		!slices.Equal(d.Actions, []string{workflows.UpdateApprove}) ||
		!slices.Equal(d.Operations, []string{workflows.UpdateDelegate, workflows.UpdateComment, workflows.UpdateCopy}) {
		t.Errorf("the API answers %+v", d)
	}
	body, _ := f.page("GET", "/tasks/"+task, f.a1Tok, 200)
	for _, want := range []string{`id="op-delegate"`, `id="op-comment"`, `id="approve-form"`, `id="task-window"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the task page lacks %s", want)
		}
	}
	if strings.Contains(body, `id="op-transfer"`) {
		t.Error("the task page offers an operation its kind does not list")
	}

	// A kind the table lacks offers nothing but comment and copy to, and shows no form; a step
	// it lacks has no window.
	workflows.TaskKinds, workflows.Steps = saved, savedSteps
	d = TaskDetail{}
	f.do("GET", "/api/v1/tasks/"+task, f.a1Tok, nil, 200, &d)
	if len(d.Actions) != 0 || !slices.Equal(d.Operations, []string{workflows.UpdateComment, workflows.UpdateCopy}) || d.Rule.Window {
		t.Errorf("an unknown kind offers %+v", d)
	}
	body, _ = f.page("GET", "/tasks/"+task, f.a1Tok, 200)
	if strings.Contains(body, `id="approve-form"`) || strings.Contains(body, `id="task-window"`) {
		t.Error("the task page shows a form or a window the tables no longer give")
	}
}
