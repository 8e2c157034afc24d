package api

import (
	"slices"
	"strings"
	"testing"

	"termgoal"
	"termgoal/workflows"
)

// A task kind is described once (workflows.TaskKinds): a kind added to the table reaches the
// task page's operations and the API's answer without another edit (issue 27).
func TestTaskKindDescribedOnce(t *testing.T) {
	f := newFixture(t)
	saved := workflows.TaskKinds
	t.Cleanup(func() { workflows.TaskKinds = saved })
	workflows.TaskKinds = append(slices.Clone(saved), workflows.TaskKind{Name: "test_check",
		Actions: []string{workflows.UpdateApprove}, Ops: []string{workflows.UpdateDelegate}})

	term := f.appraisalTerm(f.a1, f.tmpl, 0)
	holder := f.accounts["holderA1"].ID
	task := f.seedTask("gs-kind", term, workflows.KindGoalSetting, termgoal.StepApproval, "test_check", holder,
		termgoal.ProcessState{Signers: []termgoal.Signer{{Actor: termgoal.Actor{AccountID: holder, Name: "a1"}, Status: "open"}}}, nil)
	var d TaskDetail
	f.do("GET", "/api/v1/tasks/"+task, f.a1Tok, nil, 200, &d)
	if d.Kind != "test_check" || !slices.Equal(d.Actions, []string{workflows.UpdateApprove}) ||
		!slices.Equal(d.Operations, []string{workflows.UpdateDelegate, workflows.UpdateComment, workflows.UpdateCopy}) {
		t.Errorf("the API answers %+v", d)
	}
	body, _ := f.page("GET", "/tasks/"+task, f.a1Tok, 200)
	for _, want := range []string{`id="op-delegate"`, `id="op-comment"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the task page lacks %s", want)
		}
	}
	if strings.Contains(body, `id="op-transfer"`) {
		t.Error("the task page offers an operation its kind does not list")
	}

	// A kind the table lacks offers nothing but comment and copy to.
	workflows.TaskKinds = saved
	f.do("GET", "/api/v1/tasks/"+task, f.a1Tok, nil, 200, &d)
	if len(d.Actions) != 0 || !slices.Equal(d.Operations, []string{workflows.UpdateComment, workflows.UpdateCopy}) {
		t.Errorf("an unknown kind offers %+v", d)
	}
}
