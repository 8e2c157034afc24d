package termgoal

import "testing"

// Two versions of a template differ in what was changed, added and removed, by path; the
// version number is not a difference.
func TestCompareTemplates(t *testing.T) {
	older := Template{ID: 3, Version: 1, Name: "Village", NoticeDays: 5, StepDays: map[Step]int{StepDraft: 10},
		Categories: []string{"economy"}, Appraisal: &AppraisalConfig{Groups: []RaterConfig{{Key: RaterSuperior, Weight: 100, Role: RoleSuperior}}}}
	newer := older
	newer.Version, newer.NoticeDays, newer.Consultation = 2, 7, true
	newer.StepDays = map[Step]int{StepDraft: 10, StepApproval: 5}
	newer.Categories = nil
	a := *older.Appraisal
	a.Groups = []RaterConfig{{Key: RaterSuperior, Weight: 70, Role: RoleSuperior}, {Key: RaterSelf, Weight: 30}}
	newer.Appraisal = &a

	got := map[string][2]string{}
	for _, c := range CompareTemplates(older, newer) {
		got[c.Path] = [2]string{c.Old, c.New}
	}
	want := map[string][2]string{
		"notice_days":               {"5", "7"},
		"consultation":              {"false", "true"},
		"step_days.approval":        {"", "5"},
		"categories":                {"", "null"},
		"categories.0":              {`"economy"`, ""},
		"appraisal.groups.0.weight": {"100", "70"},
		"appraisal.groups.1.key":    {"", `"self"`},
		"appraisal.groups.1.weight": {"", "30"},
	}
	for path, w := range want {
		if got[path] != w {
			t.Errorf("%s: %q, want %q", path, got[path], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("changes %v, want %v", got, want)
	}
	noAppraisal := older
	noAppraisal.Appraisal = nil
	withDefault := older
	def := DefaultAppraisal()
	withDefault.Appraisal = &def
	if c := CompareTemplates(noAppraisal, withDefault); len(c) != 0 {
		t.Errorf("no appraisal settings against the default ones: %v", c)
	}
	if c := CompareTemplates(older, older); len(c) != 0 {
		t.Errorf("a version against itself: %v", c)
	}
}
