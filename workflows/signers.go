package workflows

import (
	"math"
	"slices"

	"termgoal"
)

// Signer is termgoal.Signer: the type moved to the root with the typed process state.
type Signer = termgoal.Signer

// Signer statuses.
const (
	signerOpen      = "open"      // may act now and has a task
	signerWaiting   = "waiting"   // acts later: in sequence, or after an added signer
	signerDone      = "done"      // approved, voted, gave an opinion or a review
	signerReturned  = "returned"  // disapproved (ratio mode counts it)
	signerDelegated = "delegated" // handed to a delegate, comes back when they answer
	signerRemoved   = "removed"   // 减签
)

func signersOf(who []termgoal.Actor, mode termgoal.Mode) []Signer {
	out := make([]Signer, len(who))
	for i, p := range who {
		out[i] = Signer{Actor: p, Status: signerOpen}
		if mode == termgoal.ModeSequence && i > 0 {
			out[i].Status = signerWaiting
		}
	}
	return out
}

// signer returns the entry of account acc that is open, or nil.
func (s *GoalState) openSigner(acc int64) *Signer {
	for i := range s.Signers {
		if s.Signers[i].Actor.AccountID == acc && s.Signers[i].Status == signerOpen {
			return &s.Signers[i]
		}
	}
	return nil
}

// acting lists who may act on the step now.
func (s *GoalState) acting() []termgoal.Actor {
	var out []termgoal.Actor
	for _, g := range s.Signers {
		if g.Status == signerOpen {
			out = append(out, g.Actor)
		}
	}
	return out
}

// seats lists the step's own signers: not added, not delegates, not removed.
func (s *GoalState) seats() []Signer {
	var out []Signer
	for _, g := range s.Signers {
		if g.AddedBy == 0 && g.DelegateOf == 0 && g.Status != signerRemoved {
			out = append(out, g)
		}
	}
	return out
}

// pending reports whether any signer may still act or waits to.
func (s *GoalState) pending() bool {
	return slices.ContainsFunc(s.Signers, func(g Signer) bool {
		return g.Status == signerOpen || g.Status == signerWaiting || g.Status == signerDelegated
	})
}

// decided applies the step's mode to its signers: pass when the mode is satisfied and every
// added signer has approved; fail when (in ratio mode) too many have disapproved to pass.
func (s *GoalState) decided() (pass, fail bool) {
	seats := s.seats()
	approved, returned := 0, 0
	for _, g := range seats {
		switch g.Status {
		case signerDone:
			approved++
		case signerReturned:
			returned++
		}
	}
	need := 1
	switch s.Template.ModeOf(s.Step) {
	case termgoal.ModeAll, termgoal.ModeSequence:
		need = len(seats)
	case termgoal.ModeRatio:
		// A ratio typed as 0.667 means two thirds: allow for the rounding.
		need = int(math.Ceil(s.Template.PassRatio*float64(len(seats)) - 0.01))
	}
	need = max(need, 1)
	for _, g := range s.Signers {
		if g.AddedBy != 0 && g.Status != signerRemoved && g.Status != signerDone {
			return false, returned > len(seats)-need
		}
	}
	return approved >= need, returned > len(seats)-need
}

// openNext opens the next waiting seat in a sequence step, if nobody is acting.
func (s *GoalState) openNext() *Signer {
	if s.Template.ModeOf(s.Step) != termgoal.ModeSequence || len(s.acting()) > 0 {
		return nil
	}
	for i := range s.Signers {
		if s.Signers[i].Status == signerWaiting && s.Signers[i].AddedBy == 0 {
			s.Signers[i].Status = signerOpen
			return &s.Signers[i]
		}
	}
	return nil
}
