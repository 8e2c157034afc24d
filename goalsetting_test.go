package termgoal

import (
	"errors"
	"testing"
)

func TestCountVotes(t *testing.T) {
	for _, tc := range []struct {
		name           string
		members        int
		votes          []Choice
		quorum, passed bool
	}{
		{"all for", 5, []Choice{VoteFor, VoteFor, VoteFor, VoteFor, VoteFor}, true, true},
		{"exactly half present is no quorum", 4, []Choice{VoteFor, VoteFor}, false, false},
		{"recused are not present", 5, []Choice{VoteFor, VoteFor, VoteRecuse, VoteRecuse}, false, false},
		{"three of five present, two for", 5, []Choice{VoteFor, VoteFor, VoteAgainst}, true, true},
		{"half of present for is not enough", 5, []Choice{VoteFor, VoteFor, VoteAgainst, VoteAbstain}, true, false},
		{"abstentions count as present", 3, []Choice{VoteFor, VoteAbstain, VoteAbstain}, true, false},
		{"nobody", 3, nil, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CountVotes(tc.members, tc.votes)
			if got.Quorum != tc.quorum || got.Passed != tc.passed {
				t.Errorf("CountVotes = %+v, want quorum %v passed %v", got, tc.quorum, tc.passed)
			}
		})
	}
}

func TestTemplateSteps(t *testing.T) {
	tpl := Template{Consultation: true}
	want := []Step{StepDraft, StepConsultation, StepCommittee, StepApproval, StepNotice, StepFiling, StepPledge}
	got := tpl.Steps()
	if len(got) != len(want) {
		t.Fatalf("Steps = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Steps = %v, want %v", got, want)
		}
	}
	if tpl.Next(StepDraft) != StepConsultation || tpl.Next(StepPledge) != StepInForce {
		t.Error("Next is wrong")
	}
	if (Template{Congress: true}).Next(StepApproval) != StepCongress {
		t.Error("congress not after approval")
	}
	if tpl.Days(StepNotice) != 0 || (Template{NoticeDays: 7}).Days(StepNotice) != 7 {
		t.Error("notice days")
	}
}

func TestValidateItems(t *testing.T) {
	years := []int{2026, 2027}
	ok := func() []PlanItem {
		return []PlanItem{
			{Category: "a", Title: "t1", Owner: "o", Weight: 70, Quantitative: true, Unit: "个", Targets: map[string]string{"2026": "1", "2027": "2"}},
			{Category: "b", Title: "t2", Owner: "o", Weight: 30, Targets: map[string]string{"2026": "x", "2027": "y"}},
		}
	}
	if err := ValidateItems(ok(), years, []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	for key, mutate := range map[string]func([]PlanItem) []PlanItem{
		"plan.no_items":              func([]PlanItem) []PlanItem { return nil },
		"plan.weights_sum":           func(p []PlanItem) []PlanItem { p[0].Weight = 60; return p },
		"plan.item_target":           func(p []PlanItem) []PlanItem { delete(p[1].Targets, "2027"); return p },
		"plan.item_target_year":      func(p []PlanItem) []PlanItem { p[1].Targets["2030"] = "z"; return p },
		"plan.item_unit":             func(p []PlanItem) []PlanItem { p[0].Unit = ""; return p },
		"plan.item_title":            func(p []PlanItem) []PlanItem { p[0].Title = " "; return p },
		"plan.item_owner":            func(p []PlanItem) []PlanItem { p[0].Owner = ""; return p },
		"plan.item_weight":           func(p []PlanItem) []PlanItem { p[0].Weight = -1; return p },
		"plan.item_category_unknown": func(p []PlanItem) []PlanItem { p[0].Category = "c"; return p },
	} {
		err := ValidateItems(mutate(ok()), years, []string{"a", "b"})
		var e *Error
		if !errors.As(err, &e) || e.Key != key || e.Code != EINVALID {
			t.Errorf("%s: got %v", key, err)
		}
	}
}
