package workflows_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"termgoal"
	"termgoal/workflows"
)

// appraisalTemplate scores with the superiors (60%), anonymous public ballots (30%) and the
// holder's own score (10%), on the organization scale with a veto item and a top-grade quota.
func appraisalTemplate() termgoal.Template {
	cfg := termgoal.DefaultAppraisal()
	cfg.Groups = []termgoal.RaterConfig{
		{Key: termgoal.RaterSuperior, Weight: 60, Role: termgoal.RoleSuperior},
		{Key: termgoal.RaterPublic, Weight: 30, Ballots: true},
		{Key: termgoal.RaterSelf, Weight: 10},
	}
	cfg.VetoItems = []string{"major_safety_accident"}
	return termgoal.Template{Appraisal: &cfg}
}

// inForce puts a plan in force for the fixture's term, as a finished goal setting would.
func inForce(t *testing.T, fx *fixture, at time.Time) {
	t.Helper()
	c := termgoal.Change{
		ID: "seed-plan", At: at, Action: "plan_seeded",
		Process: termgoal.Process{ID: workflows.GoalSettingID(fx.term.ID), Kind: workflows.KindGoalSetting, TermID: fx.term.ID, OrgID: fx.term.OrgID,
			Step: termgoal.StepInForce, Status: "completed", Version: 1, DeadlineOn: at, StartedAt: at},
		PlanVersion: &termgoal.PlanVersion{TermID: fx.term.ID, Version: 1, Items: items("集体经济"), Step: termgoal.StepPledge, Status: "in_force"},
		InForce:     true,
	}
	must(t, fx.store.Apply(context.Background(), c))
}

// addAccount adds an account with role on org to the fixture.
func addAccount(t *testing.T, fx *fixture, name string, role termgoal.Role, orgID int64) {
	t.Helper()
	ctx := context.Background()
	acc := &termgoal.Account{Username: name, DisplayName: name, Lang: "en"}
	must(t, fx.store.CreateAccount(ctx, acc, "x"))
	must(t, fx.store.AddGrant(ctx, acc.ID, termgoal.Grant{Role: role, OrgID: orgID}))
	fx.actors[name] = termgoal.Actor{AccountID: acc.ID, Name: name, Admin: role == termgoal.RoleAdmin}
}

func score(v float64) *float64 { return &v }

// Hashes of two one-time ballot codes.
var (
	h1 = fmt.Sprintf("%x", sha256.Sum256([]byte("code-1")))
	h2 = fmt.Sprintf("%x", sha256.Sum256([]byte("code-2")))
)

func selfAssessment(proposed string) *workflows.SelfAssessInput {
	return &workflows.SelfAssessInput{SelfAssessment: termgoal.SelfAssessment{
		Items: []termgoal.ItemActual{
			{No: 1, Actual: "1.2 万元", Evidence: "账目"},
			{No: 2, Actual: "培训 4 次", Evidence: "签到表"},
		},
		Summary: "全年目标基本完成", Proposed: proposed, Score: score(95),
	}}
}

func sheet(a, b float64) *workflows.ScoreInput {
	return &workflows.ScoreInput{Scores: []termgoal.ItemScore{{No: 1, Score: a}, {No: 2, Score: b}}}
}

func appraise(t *testing.T, fx *fixture, start time.Time, kind string, acts []act) (workflows.GoalResult, error) {
	t.Helper()
	return appraiseWith(t, fx, start, kind, acts, nil)
}

func appraiseWith(t *testing.T, fx *fixture, start time.Time, kind string, acts []act, hook func(*testsuite.TestWorkflowEnvironment)) (workflows.GoalResult, error) {
	t.Helper()
	in := workflows.AppraisalInput{TermID: fx.term.ID, Kind: kind, Year: 2027, Initiator: fx.actors["admin"]}
	id := workflows.AppraisalID(fx.term.ID, 2027)
	if kind == termgoal.AppraisalTermEnd {
		id = workflows.TermEndID(fx.term.ID)
	}
	return playWorkflow(t, fx, start, acts, id, workflows.Appraisal, in, hook)
}

// auditOf returns the actor names of process id's audit entries with action.
func auditOf(t *testing.T, fx *fixture, id, action string) []string {
	t.Helper()
	var out []string
	for _, a := range auditEntries(t, fx, id, action) {
		out = append(out, a.ActorName)
	}
	return out
}

// superiorsFixture is a fixture whose template has the superiors score alone, with a plan in
// force.
func superiorsFixture(t *testing.T, change func(*termgoal.AppraisalConfig)) *fixture {
	t.Helper()
	tpl := appraisalTemplate()
	tpl.Appraisal.Groups = []termgoal.RaterConfig{{Key: termgoal.RaterSuperior, Weight: 1, Role: termgoal.RoleSuperior}}
	if change != nil {
		change(tpl.Appraisal)
	}
	fx := newFixture(t, tpl)
	inForce(t, fx, monday.AddDate(0, -2, 0))
	return fx
}

// scoredBy is the self-assessment at minute 1 and the three superiors' sheets, every item
// scored v, at minutes 2 to 4.
func scoredBy(v float64) []act {
	acts := []act{{at: at(1), who: "holder", name: workflows.UpdateSelfAssess, input: selfAssessment(termgoal.GradeCompleted)}}
	for i, sup := range []string{"sup", "sup2", "sup3"} {
		acts = append(acts, act{at: at(2 + i), who: sup, name: workflows.UpdateScore, input: sheet(v, v)})
	}
	return acts
}

// The annual appraisal end to end: the self-assessment locks, three superiors score item by
// item, the public casts anonymous ballots (a code counts once), the administrator closes the
// ballot, the weighted score gives the computed grade, the superior overrides it only with a
// reason, the result is on notice for 5 working days, the holder appeals, a reviewer other than
// the decider changes the grade, the new result goes on notice again, the holder acknowledges
// it and the appraisal is archived.
func TestAnnualAppraisalWithBallotsOverrideAndAppeal(t *testing.T) {
	fx := newFixture(t, appraisalTemplate())
	addAccount(t, fx, "reviewer", termgoal.RoleReviewer, fx.county.ID)
	inForce(t, fx, monday.AddDate(0, -2, 0))
	id := workflows.AppraisalID(fx.term.ID, 2027)
	acts := []act{
		{at: at(1), check: stepIs(termgoal.StepSelfAssessment)},
		{at: at(2), who: "sup", name: workflows.UpdateSelfAssess, input: selfAssessment("completed"), want: termgoal.EFORBIDDEN},
		{at: at(3), who: "holder", name: workflows.UpdateSelfAssess, input: &workflows.SelfAssessInput{SelfAssessment: termgoal.SelfAssessment{
			Items: []termgoal.ItemActual{{No: 1, Actual: "1"}}, Summary: "x", Proposed: "completed", Score: score(90)}}, want: termgoal.EINVALID},
		{at: at(4), who: "holder", name: workflows.UpdateSelfAssess, input: selfAssessment("completed")},
		{at: at(5), who: "holder", name: workflows.UpdateSelfAssess, input: selfAssessment("completed"), want: termgoal.ECONFLICT},
		{at: at(6), check: func(t *testing.T, s *workflows.GoalState) {
			if s.Step != termgoal.StepScoring || len(s.Signers) != 3 || s.Signers[0].Group != termgoal.RaterSuperior || s.WindowOver {
				t.Errorf("scoring: step %s, signers %+v, window over %v", s.Step, s.Signers, s.WindowOver)
			}
		}},
		{at: at(7), who: "sup", name: workflows.UpdateScore, input: sheet(90, 80)},
		{at: at(8), who: "sup", name: workflows.UpdateScore, input: sheet(90, 80), want: termgoal.EFORBIDDEN},
		{at: at(9), who: "sup2", name: workflows.UpdateScore, input: sheet(101, 80), want: termgoal.EINVALID},
		{at: at(10), who: "sup2", name: workflows.UpdateScore, input: sheet(90, 80)},
		{at: at(11), who: "sup3", name: workflows.UpdateScore, input: sheet(90, 80)},
		{at: at(12), check: func(t *testing.T, s *workflows.GoalState) {
			stepIs(termgoal.StepScoring)(t, s) // the ballot is still open
			must(t, fx.store.IssueBallotCodes(context.Background(), id, termgoal.RaterPublic, []string{h1, h2}))
		}},
		{at: at(13), name: workflows.UpdateCastBallot, input: &workflows.BallotInput{CodeHash: h1, Group: termgoal.RaterPublic, Score: 70}},
		{at: at(14), name: workflows.UpdateCastBallot, input: &workflows.BallotInput{CodeHash: h1, Group: termgoal.RaterPublic, Score: 10}, want: termgoal.ECONFLICT},
		{at: at(15), name: workflows.UpdateCastBallot, input: &workflows.BallotInput{CodeHash: h2, Group: termgoal.RaterSuperior, Score: 10}, want: termgoal.EINVALID},
		{at: at(16), name: workflows.UpdateCastBallot, input: &workflows.BallotInput{CodeHash: h2, Group: termgoal.RaterPublic, Score: 80}},
		{at: at(17), who: "sup", name: workflows.UpdateCloseScoring, input: &workflows.ReasonInput{Reason: "x"}, want: termgoal.EFORBIDDEN},
		{at: at(18), who: "admin", name: workflows.UpdateCloseScoring, input: &workflows.ReasonInput{Reason: "民主测评结束"}},
		// Superiors 0.6×86, public 0.3×75, self 0.1×95: 83.6, basically completed.
		{at: at(19), check: func(t *testing.T, s *workflows.GoalState) {
			if s.Step != termgoal.StepResult || s.Appraisal.RaterScore == nil || *s.Appraisal.RaterScore < 83.59 || *s.Appraisal.RaterScore > 83.61 {
				t.Errorf("result step %s, rater score %v", s.Step, s.Appraisal.RaterScore)
			}
		}},
		{at: at(20), who: "sup", name: workflows.UpdateDetermine, input: &workflows.DetermineInput{Grade: termgoal.GradeNotCompleted}, want: termgoal.EINVALID},
		{at: at(21), who: "sup", name: workflows.UpdateDetermine, input: &workflows.DetermineInput{Vetoes: []termgoal.Veto{{Item: "unknown", Reason: "x"}}}, want: termgoal.EINVALID},
		{at: at(22), who: "sup", name: workflows.UpdateDetermine, input: &workflows.DetermineInput{Grade: termgoal.GradeNotCompleted, Reason: "台账不实"}},
		{at: at(23), check: func(t *testing.T, s *workflows.GoalState) {
			r := s.Appraisal.Result
			if s.Step != termgoal.StepNotice || r.Computed != termgoal.GradeBasicallyCompleted || r.Grade != termgoal.GradeNotCompleted || r.Reason != "台账不实" {
				t.Errorf("after the result: step %s, result %+v", s.Step, r)
			}
		}},
		{at: at(24), who: "holder", name: workflows.UpdateAppeal, input: &workflows.AppealInput{Reason: "台账属实"}, want: termgoal.ECONFLICT},
		// Five working days of notice from Monday 2 November: over after Monday the 9th.
		{at: day(8) + at(1), check: stepIs(termgoal.StepFeedback)},
		{at: day(8) + at(2), who: "holder", name: workflows.UpdateAppeal, input: &workflows.AppealInput{}, want: termgoal.EINVALID},
		{at: day(8) + at(3), who: "holder", name: workflows.UpdateAppeal, input: &workflows.AppealInput{Reason: "台账属实，有凭证"}},
		{at: day(8) + at(4), check: func(t *testing.T, s *workflows.GoalState) {
			if s.Step != termgoal.StepAppealReview || len(s.Signers) != 1 || s.Signers[0].Actor.Name != "reviewer" {
				t.Errorf("appeal review: step %s, signers %+v", s.Step, s.Signers)
			}
		}},
		{at: day(8) + at(5), who: "sup", name: workflows.UpdateDecideAppeal, input: &workflows.DecideAppealInput{Answer: "x"}, want: termgoal.EFORBIDDEN},
		{at: day(8) + at(6), who: "reviewer", name: workflows.UpdateDecideAppeal, input: &workflows.DecideAppealInput{Grade: termgoal.GradeBasicallyCompleted, Answer: "凭证属实，改为基本完成"}},
		{at: day(8) + at(7), check: stepIs(termgoal.StepNotice)},
		{at: day(16) + at(1), check: stepIs(termgoal.StepFeedback)},
		{at: day(16) + at(2), who: "holder", name: workflows.UpdateAppeal, input: &workflows.AppealInput{Reason: "again"}, want: termgoal.ECONFLICT},
		{at: day(16) + at(3), who: "holder", name: workflows.UpdateAcknowledge, input: &workflows.ReasonInput{}},
	}
	res, err := appraise(t, fx, monday, termgoal.AppraisalAnnual, acts)
	must(t, err)
	if res.Step != termgoal.StepArchived {
		t.Fatalf("ended at %s", res.Step)
	}
	ctx := context.Background()
	rec, err := fx.store.Appraisal(ctx, id)
	must(t, err)
	if rec.Status != "archived" || rec.Result.Grade != termgoal.GradeBasicallyCompleted || rec.Appeal == nil || !rec.Appeal.Upheld || rec.Self == nil || rec.ArchivedAt == nil {
		t.Errorf("archived record %+v", rec)
	}
	// The process row carries the configuration the appraisal started with, for its pages.
	p, err := fx.store.Process(ctx, id)
	must(t, err)
	if cfg := p.State.AppraisalConfig; cfg == nil || fmt.Sprint(cfg.VetoItems) != "[major_safety_accident]" {
		t.Errorf("process state's appraisal_config = %+v", cfg)
	}
	sheets, err := fx.store.ScoreSheets(ctx, id)
	must(t, err)
	if len(sheets) != 3 {
		t.Errorf("%d score sheets, want the 3 named raters' only", len(sheets))
	}
	for _, action := range []string{"self_assessed", "ballot_cast", "scoring_closed", "result_determined", "appealed", "appeal_decided", "result_acknowledged"} {
		if len(auditOf(t, fx, id, action)) == 0 {
			t.Errorf("no %s in the audit log", action)
		}
	}
	for _, who := range auditOf(t, fx, id, "ballot_cast") {
		if who != "anonymous" {
			t.Errorf("a ballot is audited as cast by %q", who)
		}
	}
}

// A veto item gives the lowest grade whatever the score; with nobody appealing the result is
// archived when the appeal window passes, and a unit that did not complete its goals gets a
// rectification report to file by a deadline.
func TestVetoArchivesAfterTheWindowAndRaisesARectification(t *testing.T) {
	fx := superiorsFixture(t, nil)
	acts := append(scoredBy(100), []act{
		{at: at(5), who: "sup2", name: workflows.UpdateDetermine, input: &workflows.DetermineInput{Vetoes: []termgoal.Veto{{Item: "major_safety_accident", Reason: "较大安全事故"}}}},
		{at: at(6), check: func(t *testing.T, s *workflows.GoalState) {
			if r := s.Appraisal.Result; r == nil || r.Score != 100 || r.Grade != termgoal.GradeNotCompleted {
				t.Errorf("vetoed result %+v", r)
			}
		}},
		// Notice until the 9th, the appeal window until the 17th; nobody appeals.
		{at: day(15), check: stepIs(termgoal.StepFeedback)},
		{at: day(17), check: stepIs(termgoal.StepArchived)},
	}...)
	// The follow-up outlives the appraisal: stand in for it to see what it is started with.
	var followUp workflows.ReportInput
	res, err := appraiseWith(t, fx, monday, termgoal.AppraisalAnnual, acts, func(env *testsuite.TestWorkflowEnvironment) {
		env.OnWorkflow(workflows.ReportWorkflowName, mock.Anything, mock.Anything).Return(
			func(_ workflow.Context, in workflows.ReportInput) (workflows.GoalResult, error) {
				followUp = in
				return workflows.GoalResult{Step: termgoal.StepCompleted}, nil
			})
	})
	must(t, err)
	id := workflows.AppraisalID(fx.term.ID, 2027)
	if res.Step != termgoal.StepArchived || len(auditOf(t, fx, id, "appeal_window_passed")) != 1 {
		t.Errorf("ended at %s; the passing of the appeal window is audited %d times", res.Step, len(auditOf(t, fx, id, "appeal_window_passed")))
	}
	rec, err := fx.store.Appraisal(context.Background(), id)
	must(t, err)
	if rec.Status != "archived" || len(rec.Consequences) != 2 || rec.Consequences[1] != termgoal.ConsequenceRectification {
		t.Errorf("archived record %+v", rec)
	}
	// 20 working days from Wednesday 18 November.
	if followUp.Kind != termgoal.FollowRectify || followUp.Source != id || followUp.Due.Format(time.DateOnly) != "2026-12-16" {
		t.Errorf("follow-up %+v", followUp)
	}
}

// The top grade's quota counts the round: with one unit under the same county already
// completed and a quota of 20%, a second "completed" is refused and nothing changes.
func TestTopGradeQuota(t *testing.T) {
	fx := superiorsFixture(t, func(c *termgoal.AppraisalConfig) { c.TopQuota = 0.2 })
	ctx := context.Background()
	other := &termgoal.Org{Name: "绿水村党支部", Type: termgoal.OrgVillage, ParentID: &fx.county.ID}
	must(t, fx.store.CreateOrg(ctx, other))
	otherTerm := &termgoal.Term{OrgID: other.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected, Start: fx.term.Start, End: fx.term.End, TemplateID: fx.term.TemplateID}
	must(t, fx.store.CreateTerm(ctx, otherTerm))
	otherID := workflows.AppraisalID(otherTerm.ID, 2027)
	must(t, fx.store.Apply(ctx, termgoal.Change{ID: "other", At: monday, Action: "seeded",
		Process:   termgoal.Process{ID: otherID, Kind: termgoal.AppraisalAnnual, TermID: otherTerm.ID, OrgID: other.ID, Step: termgoal.StepArchived, Status: "completed", DeadlineOn: monday, StartedAt: monday},
		Appraisal: &termgoal.AppraisalRecord{ProcessID: otherID, TermID: otherTerm.ID, OrgID: other.ID, Kind: termgoal.AppraisalAnnual, Year: 2027, Scale: "organization", Status: "archived", Result: &termgoal.AppraisalResult{Grade: termgoal.GradeCompleted, Score: 95}},
	}))
	acts := append(scoredBy(95), []act{
		{at: at(5), who: "sup", name: workflows.UpdateDetermine, input: &workflows.DetermineInput{}, want: termgoal.ECONFLICT},
		{at: at(6), check: stepIs(termgoal.StepResult)},
		{at: at(7), who: "sup", name: workflows.UpdateDetermine, input: &workflows.DetermineInput{Grade: termgoal.GradeBasicallyCompleted, Reason: "名额已满"}},
		{at: at(8), check: stepIs(termgoal.StepNotice)},
	}...)
	if _, err := appraise(t, fx, monday, termgoal.AppraisalAnnual, acts); err != errNotCompleted {
		t.Fatal(err)
	}
}

// A running appraisal keeps the scale, groups and veto items it started with: the template
// edited in the middle (a cadre scale, no veto items) changes nothing for it.
func TestRunningAppraisalKeepsItsTemplate(t *testing.T) {
	fx := superiorsFixture(t, nil)
	edit := func(t *testing.T, _ *workflows.GoalState) {
		ctx := context.Background()
		stored, err := fx.store.Template(ctx, fx.term.TemplateID)
		must(t, err)
		cfg := termgoal.DefaultAppraisal()
		cfg.Scale = termgoal.CadreScale
		cfg.Groups = []termgoal.RaterConfig{{Key: "peers", Weight: 1, Role: termgoal.RoleConsultee}}
		stored.Appraisal = &cfg
		must(t, fx.store.UpdateTemplate(ctx, stored))
	}
	acts := []act{
		{at: at(1), check: edit},
		{at: at(2), who: "holder", name: workflows.UpdateSelfAssess, input: selfAssessment(termgoal.GradeCompleted)},
		{at: at(3), who: "sup", name: workflows.UpdateScore, input: sheet(95, 95)},
		{at: at(4), who: "sup2", name: workflows.UpdateScore, input: sheet(95, 95)},
		{at: at(5), who: "sup3", name: workflows.UpdateScore, input: sheet(95, 95)},
		{at: at(6), who: "sup", name: workflows.UpdateDetermine, input: &workflows.DetermineInput{Vetoes: []termgoal.Veto{{Item: "major_safety_accident", Reason: "事故"}}}},
		{at: at(7), check: func(t *testing.T, s *workflows.GoalState) {
			if r := s.Appraisal.Result; s.Step != termgoal.StepNotice || r == nil || r.Grade != termgoal.GradeNotCompleted {
				t.Errorf("step %s, result %+v: the organization scale and its veto item should still apply", s.Step, r)
			}
		}},
	}
	if _, err := appraise(t, fx, monday, termgoal.AppraisalAnnual, acts); err != errNotCompleted {
		t.Fatal(err)
	}
}

// With nobody holding the rater group's role, the process administrators score, and the audit
// log says why.
func TestNoRatersGoesToTheAdministrators(t *testing.T) {
	tpl := appraisalTemplate()
	tpl.Appraisal.Groups = []termgoal.RaterConfig{{Key: "appraisal_group", Weight: 1, Role: termgoal.RoleAppraiser}}
	fx := newFixture(t, tpl)
	inForce(t, fx, monday.AddDate(0, -2, 0))
	acts := []act{
		{at: at(1), who: "holder", name: workflows.UpdateSelfAssess, input: selfAssessment(termgoal.GradeCompleted)},
		{at: at(2), check: func(t *testing.T, s *workflows.GoalState) {
			if s.Step != termgoal.StepScoring || len(s.Signers) != 1 || s.Signers[0].Actor.Name != "admin" {
				t.Errorf("scoring: step %s, signers %+v", s.Step, s.Signers)
			}
		}},
		{at: at(3), who: "admin", name: workflows.UpdateScore, input: sheet(80, 80)},
		{at: at(4), check: stepIs(termgoal.StepResult)},
	}
	if _, err := appraise(t, fx, monday, termgoal.AppraisalAnnual, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	entries := auditEntries(t, fx, workflows.AppraisalID(fx.term.ID, 2027), "self_assessed")
	if len(entries) != 1 || entries[0].Detail["reason"] != "no_assignee" {
		t.Errorf("the self-assessment's entry into scoring: %+v, want the reason no_assignee", entries)
	}
}

// The end-of-term appraisal needs an outcome recommendation, checked against the term rules.
func TestTermEndNeedsAnOutcome(t *testing.T) {
	fx := superiorsFixture(t, nil)
	acts := append(scoredBy(95), []act{
		{at: at(5), who: "sup", name: workflows.UpdateDetermine, input: &workflows.DetermineInput{}, want: termgoal.EINVALID},
		{at: at(6), who: "sup", name: workflows.UpdateDetermine, input: &workflows.DetermineInput{Outcome: "promote_twice"}, want: termgoal.EINVALID},
		{at: at(7), who: "sup", name: workflows.UpdateDetermine, input: &workflows.DetermineInput{Outcome: termgoal.OutcomeReappoint}},
		{at: at(8), check: func(t *testing.T, s *workflows.GoalState) {
			if s.Kind != termgoal.AppraisalTermEnd || s.Step != termgoal.StepNotice || s.Appraisal.Result.Outcome != termgoal.OutcomeReappoint || s.Appraisal.Result.Grade != termgoal.GradeCompleted {
				t.Errorf("end of term: %s %s %+v", s.Kind, s.Step, s.Appraisal.Result)
			}
		}},
	}...)
	if _, err := appraise(t, fx, monday, termgoal.AppraisalTermEnd, acts); err != errNotCompleted {
		t.Fatal(err)
	}
}

// The monthly ledger flags items behind the share of their yearly target; the mid-year
// self-check goes to the superior, who may return it, and once checked it is made public for
// the template's notice days.
func TestReportsFlagLaggingItems(t *testing.T) {
	fx := newFixture(t, termgoal.Template{})
	inForce(t, fx, monday.AddDate(0, -2, 0))
	ledger := workflows.ReportInput{TermID: fx.term.ID, Kind: termgoal.ProgressLedger, Year: 2027, Period: "2027-06", Elapsed: 0.5, Initiator: termgoal.System}
	acts := []act{
		{at: at(1), check: stepIs(termgoal.StepReport)},
		{at: at(2), who: "holder", name: workflows.UpdateReport, input: &workflows.ReportActionInput{Entries: []termgoal.ProgressEntry{{No: 3, Value: 1}}}, want: termgoal.EINVALID},
		// Item 1's 2027 target is 2: 0.5 by June lags, item 2's target is not a number.
		{at: at(3), who: "holder", name: workflows.UpdateReport, input: &workflows.ReportActionInput{Entries: []termgoal.ProgressEntry{{No: 1, Value: 0.5}, {No: 2, Value: 1}}}},
	}
	res, err := playWorkflow(t, fx, monday, acts, workflows.ReportID(fx.term.ID, "2027-06"), workflows.Report, ledger, nil)
	must(t, err)
	if res.Step != termgoal.StepCompleted {
		t.Fatalf("ledger ended at %s", res.Step)
	}
	reports, err := fx.store.ProgressReports(context.Background(), fx.term.ID)
	must(t, err)
	if len(reports) != 1 || len(reports[0].Lagging) != 1 || reports[0].Lagging[0] != 1 {
		t.Errorf("reports %+v", reports)
	}

	check := workflows.ReportInput{TermID: fx.term.ID, Kind: termgoal.ProgressMidYear, Year: 2027, Period: "2027-H1", Elapsed: 0.5, Initiator: termgoal.System}
	entries := []termgoal.ProgressEntry{{No: 1, Value: 1}, {No: 2, Value: 1}}
	acts = []act{
		{at: at(1), who: "holder", name: workflows.UpdateReport, input: &workflows.ReportActionInput{Entries: entries, Summary: "半年自查"}},
		{at: at(2), check: stepIs(termgoal.StepCheck)},
		{at: at(3), who: "sup", name: workflows.UpdateReturn, input: &workflows.DecisionInput{Comment: "补充凭证"}},
		{at: at(4), check: stepIs(termgoal.StepReport)},
		{at: at(5), who: "holder", name: workflows.UpdateReport, input: &workflows.ReportActionInput{Entries: entries, Summary: "已补充"}},
		{at: at(6), who: "sup", name: workflows.UpdateApprove, input: &workflows.DecisionInput{}},
		{at: at(7), check: func(t *testing.T, s *workflows.GoalState) {
			n, err := fx.store.Notice(context.Background(), workflows.ReportID(fx.term.ID, "2027-H1"))
			if s.Step != termgoal.StepNotice || err != nil || n.Kind != termgoal.ProgressMidYear || n.Status != "open" {
				t.Errorf("after the check: step %s, notice %+v, %v", s.Step, n, err)
			}
		}},
		// Five working days from Monday 2 November: the notice is over after the 9th.
		{at: day(9)},
	}
	res, err = playWorkflow(t, fx, monday, acts, workflows.ReportID(fx.term.ID, "2027-H1"), workflows.Report, check, nil)
	must(t, err)
	if res.Step != termgoal.StepCompleted {
		t.Fatalf("self-check ended at %s", res.Step)
	}
	if n, err := fx.store.Notice(context.Background(), workflows.ReportID(fx.term.ID, "2027-H1")); err != nil || n.Status != "closed" {
		t.Errorf("the self-check's notice after its days: %+v, %v", n, err)
	}
}
