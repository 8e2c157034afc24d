package workflows

import (
	"testing"
	"time"

	"termgoal"
	"termgoal/activities"
)

// The end-of-term appraisal starts its template's months before the term ends: by default 3
// for a university's template, 2 for a party organization's, and what the template sets when
// it sets a number.
func TestTermEndAppraisalStartsByOrgType(t *testing.T) {
	end := time.Date(2030, 6, 30, 0, 0, 0, 0, time.UTC)
	set := termgoal.DefaultAppraisal()
	set.TermEndMonths = 5
	for _, c := range []struct {
		tmpl termgoal.Template
		want string
	}{
		{termgoal.Template{OrgType: termgoal.OrgUniversity}, "2030-03-30"},
		{termgoal.Template{OrgType: termgoal.OrgVillage}, "2030-04-30"},
		{termgoal.Template{OrgType: termgoal.OrgUniversity, Appraisal: &set}, "2030-01-30"},
	} {
		info := activities.StartInfo{Term: termgoal.Term{Start: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), End: end}, Template: c.tmpl}
		var got string
		for _, ev := range termEvents(1, info, termgoal.Actor{}) {
			if ev.ID == TermEndID(1) {
				got = ev.At.Format(time.DateOnly)
			}
		}
		if got != c.want {
			t.Errorf("%s template (appraisal %v): the end-of-term appraisal starts %s, want %s", c.tmpl.OrgType, c.tmpl.Appraisal != nil, got, c.want)
		}
	}
}
