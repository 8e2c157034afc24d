package workflows

import (
	"encoding/json"
	"fmt"
	"testing"

	"termgoal"
)

// stateWithApplied is a state with a few nested parts and n update IDs applied.
func stateWithApplied(n int) *GoalState {
	s := &GoalState{ProcessID: "goal-1", Step: termgoal.StepApproval, Version: 2,
		Signers: []Signer{{Actor: termgoal.Actor{AccountID: 7, Name: "Wang"}}}}
	for i := range n {
		s.remember(fmt.Sprint("a1:key-", i), ActionResult{Step: termgoal.StepApproval, Version: 2, Seq: i})
	}
	return s
}

// A clone holds what the state holds, and changing it leaves the state as it was.
func TestCloneIsDeep(t *testing.T) {
	s := stateWithApplied(3)
	before, _ := json.Marshal(s)
	c := s.clone()
	if got, _ := json.Marshal(c); string(got) != string(before) {
		t.Fatalf("clone = %s\nwant %s", got, before)
	}
	c.remember("a1:another", ActionResult{Seq: 9})
	c.Signers[0].Actor.Name = "Li"
	c.AppliedOrder[0] = "changed"
	if after, _ := json.Marshal(s); string(after) != string(before) {
		t.Errorf("changing the clone changed the state: %s\nwas %s", after, before)
	}
	if e := stateWithApplied(0).clone(); e.Applied != nil || e.AppliedOrder != nil {
		t.Errorf("a state with nothing applied clones to %v %v", e.Applied, e.AppliedOrder)
	}
}

// BenchmarkClone measures the copy every action makes of its run's state, with none, 200 and
// the most (maxApplied) update IDs remembered.
func BenchmarkClone(b *testing.B) {
	for _, n := range []int{0, 200, maxApplied} {
		s := stateWithApplied(n)
		b.Run(fmt.Sprint("applied-", n), func(b *testing.B) {
			for b.Loop() {
				s.clone()
			}
		})
	}
}
