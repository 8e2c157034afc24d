package termgoal

import (
	"errors"
	"testing"
)

func TestPolicyValidate(t *testing.T) {
	if err := DefaultPolicy.Validate(); err != nil {
		t.Fatalf("DefaultPolicy: %v", err)
	}
	for field, edit := range map[string]func(*Policy){
		"max_terms":                     func(p *Policy) { p.MaxTerms = 0 },
		"age.deputy_female":             func(p *Policy) { p.Age.DeputyFemale = 120 },
		"rank_warning_years":            func(p *Policy) { p.RankWarningYears = 16 },
		"rotation_mandatory_post_years": func(p *Policy) { p.RotationMandatoryPostYears = 4 },
		"continuity_gap_days":           func(p *Policy) { p.ContinuityGapDays = -1 },
	} {
		p := DefaultPolicy
		edit(&p)
		var e *Error
		if err := p.Validate(); !errors.As(err, &e) || e.Code != EINVALID || e.Key != "policy.range" || e.Args["field"] != field {
			t.Errorf("%s: %v", field, err)
		}
	}
}
