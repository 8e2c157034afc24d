package workflows

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"termgoal"
)

// Every step a flow runs or ends in is in Steps, once, with consistent rules; the steps where a
// superior approves, and where a signer may delegate or transfer, follow from the table.
func TestStepsDescribeEveryStep(t *testing.T) {
	seen := map[termgoal.Step]bool{}
	for _, r := range Steps {
		if seen[r.Step] {
			t.Errorf("step %s is described twice", r.Step)
		}
		seen[r.Step] = true
		if r.Kind != "" && !slices.ContainsFunc(TaskKinds, func(k TaskKind) bool { return k.Name == r.Kind }) {
			t.Errorf("step %s gives a task of kind %q, which TaskKinds lacks", r.Step, r.Kind)
		}
		if r.Window != (r.closeWindow != nil) {
			t.Errorf("step %s: a window and what happens when it ends go together", r.Step)
		}
		if (r.Ends != "") == (r.Actors != "") {
			t.Errorf("step %s: a step either ends the process or has someone to act", r.Step)
		}
	}
	for _, flow := range []string{termgoal.FlowGoalSetting, termgoal.FlowAppraisal, termgoal.FlowReport, termgoal.FlowChecked, termgoal.FlowPublished} {
		tpl := termgoal.Template{Flow: flow}
		for _, s := range append(tpl.Steps(), tpl.End(), termgoal.StepCancelled, termgoal.StepRejected) {
			if !seen[s] {
				t.Errorf("flow %q runs step %s, which Steps lacks", flow, s)
			}
		}
	}
	for _, kind := range []string{TaskAnswer, TaskResolve, TaskDelegated} {
		if !slices.ContainsFunc(TaskKinds, func(k TaskKind) bool { return k.Name == kind }) {
			t.Errorf("the event-opened kind %s is not described", kind)
		}
	}

	if got, want := stepsGiving(TaskApprove), []termgoal.Step{termgoal.StepApproval, termgoal.StepCongress, termgoal.StepCheck}; !sameSteps(got, want) {
		t.Errorf("a superior approves at %v, want %v", got, want)
	}
	signers := []termgoal.Step{termgoal.StepExpertReview, termgoal.StepApproval, termgoal.StepCongress, termgoal.StepFiling, termgoal.StepCheck}
	if got := signerSteps(); !sameSteps(got, signers) {
		t.Errorf("signers delegate at %v, want %v", got, signers)
	}
	if got, want := stepsOffering(UpdateTransfer), append([]termgoal.Step{termgoal.StepConsultation, termgoal.StepCommittee}, signers...); !sameSteps(got, want) {
		t.Errorf("a task is transferred at %v, want %v", got, want)
	}
}

func sameSteps(a, b []termgoal.Step) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// The engine and each flow stay small (issue 28): no receiver type in workflows/ has more
// than 30 methods.
func TestNoReceiverTypeHasMoreThan30Methods(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]int{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil {
				typ := fn.Recv.List[0].Type
				if star, ok := typ.(*ast.StarExpr); ok {
					typ = star.X
				}
				methods[fmt.Sprint(typ)]++
			}
		}
	}
	if methods["goalWF"] == 0 {
		t.Fatalf("no methods of the engine found: %v", methods)
	}
	for typ, n := range methods {
		if n > 30 {
			t.Errorf("%s has %d methods", typ, n)
		}
	}
}
