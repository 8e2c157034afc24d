package app

import (
	"context"
	"slices"
	"time"

	"termgoal"
)

// ScoringStatus says where an appraisal's scoring stands and how its rater score is made
// (issue 25, P5): group by group, who scored and who the step still waits for, the ballots
// counted, each group's average and its share of the score; and the rules the grade then
// follows (the cap on bonus points, the veto items, the quota of the top grade).
type ScoringStatus struct {
	Groups []GroupStatus
	// Scoring: the step is running; it ends once every named rater has scored and, when a
	// group takes ballots, the ballot window has passed (or an administrator closed it).
	Scoring    bool
	WindowOver bool
	DueOn      *time.Time
	RaterScore *float64
	Config     termgoal.AppraisalConfig
}

// GroupStatus is one rater group in a ScoringStatus.
type GroupStatus struct {
	termgoal.RaterConfig
	Score   termgoal.GroupScore
	Scored  []string // the named raters who have scored
	Waiting []string // the named raters the step waits for
}

// Pending reports whether the scoring still waits for someone of a group.
func (g GroupStatus) Pending() bool { return len(g.Waiting) > 0 }

// ScoringStatus reads an appraisal process's scoring from its read model.
func (s *Service) ScoringStatus(ctx context.Context, p *termgoal.Process) (*ScoringStatus, error) {
	cfg, err := s.AppraisalConfig(ctx, p)
	if err != nil {
		return nil, err
	}
	st := p.State.Appraisal
	if st == nil {
		st = &termgoal.AppraisalView{}
	}
	out := &ScoringStatus{Scoring: p.Step == termgoal.StepScoring && p.Status == "running", RaterScore: st.RaterScore, Config: cfg,
		WindowOver: p.State.WindowOver, DueOn: p.StepDueOn}
	signers := p.State.Signers
	for i, g := range cfg.Groups {
		gs := GroupStatus{RaterConfig: g, Score: termgoal.GroupScore{Key: g.Key, Weight: g.Weight}}
		if i < len(st.Groups) && st.Groups[i].Key == g.Key {
			gs.Score = st.Groups[i]
		}
		if out.Scoring {
			for _, sg := range signers {
				switch {
				case sg.Group != g.Key || sg.Status == "removed":
				case sg.Status == "done":
					gs.Scored = append(gs.Scored, sg.Actor.Name)
				default:
					gs.Waiting = append(gs.Waiting, sg.Actor.Name)
				}
			}
		}
		out.Groups = append(out.Groups, gs)
	}
	return out, nil
}

// WaitsForBallots reports whether the scoring, its named raters done, still waits for the
// ballot window to pass.
func (s *ScoringStatus) WaitsForBallots() bool {
	return s.Scoring && !s.WindowOver && s.Config.HasBallots() && !slices.ContainsFunc(s.Groups, GroupStatus.Pending)
}
