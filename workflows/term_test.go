package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"termgoal"
	"termgoal/postgres"
	"termgoal/workflows"
)

// termRun is one run of the term workflow in its own time-skipping environment: the test
// environment ends a run at continue-as-new, and the next run starts where it left off.
type termRun struct {
	t   *testing.T
	fx  *fixture
	env *testsuite.TestWorkflowEnvironment

	mu      sync.Mutex
	reports map[string]int // kind → reports started in this run
}

// at schedules an update of workflow id by who at d after the run's start.
func (r *termRun) at(d time.Duration, id, name, who string, in workflows.ActionInput) {
	r.env.RegisterDelayedCallback(func() {
		in.SetActor(r.fx.actors[who])
		err := r.env.UpdateWorkflowByID(id, name, fmt.Sprintf("%s-%s-%v", id, name, d), &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { r.t.Errorf("%s %s by %s refused: %v", id, name, who, err) },
			OnComplete: func(_ any, err error) {
				if err != nil {
					r.t.Errorf("%s %s by %s failed: %v", id, name, who, err)
				}
			},
		}, in)
		if err != nil {
			r.t.Errorf("%s %s: %v", id, name, err)
		}
	}, d)
}

// appraise drives an appraisal started at d through to its archive: self-assessment by
// holder, the three superiors' sheets, the result, the notice of 5 working days and the
// holder's acknowledgement.
func (r *termRun) appraise(d time.Duration, id, holder string) {
	r.at(d+time.Minute, id, workflows.UpdateSelfAssess, holder, selfAssessment(termgoal.GradeCompleted))
	for i, sup := range []string{"sup", "sup2", "sup3"} {
		r.at(d+at(2+i), id, workflows.UpdateScore, sup, sheet(85, 85))
	}
	r.at(d+at(6), id, workflows.UpdateDetermine, "sup", &workflows.DetermineInput{})
	r.at(d+day(12), id, workflows.UpdateAcknowledge, holder, &workflows.ReasonInput{})
}

func newTermRun(t *testing.T, fx *fixture, start time.Time) *termRun {
	r := &termRun{t: t, fx: fx, env: newEnv(fx, start), reports: map[string]int{}}
	r.env.SetTestTimeout(time.Minute)
	r.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflows.TermID(fx.term.ID)})
	// Reports wait for the holder month after month; count them rather than keep them open.
	r.env.OnWorkflow(workflows.ReportWorkflowName, mock.Anything, mock.Anything).Return(
		func(_ workflow.Context, in workflows.ReportInput) (workflows.GoalResult, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.reports[in.Kind]++
			return workflows.GoalResult{Step: termgoal.StepCompleted}, nil
		})
	return r
}

// run executes the term workflow with in and returns the next run's input, or nil when the
// term is over.
func (r *termRun) run(in workflows.TermInput) *workflows.TermInput {
	r.t.Helper()
	r.env.ExecuteWorkflow(workflows.Term, in)
	err := r.env.GetWorkflowError()
	var cont *workflow.ContinueAsNewError
	if errors.As(err, &cont) {
		var next workflows.TermInput
		must(r.t, converter.GetDefaultDataConverter().FromPayloads(cont.Input, &next))
		return &next
	}
	must(r.t, err)
	return nil
}

// A whole term of five years and a quarter in time-skipping environments: goal setting in the
// first weeks, the ledger every month, the summary every quarter, the self-check every June,
// an amendment at the end of 2027, a handover in mid-2029 whose leaver is appraised for the
// half year, five annual appraisals each on the plan then in force, and the end-of-term
// appraisal two months before the end. Each year is its own run.
func TestFiveYearTerm(t *testing.T) {
	tpl := appraisalTemplate()
	tpl.Appraisal.Groups = []termgoal.RaterConfig{{Key: termgoal.RaterSuperior, Weight: 1, Role: termgoal.RoleSuperior}}
	fx := newFixture(t, tpl)
	ctx := context.Background()
	// A person's term: the holder and the successor each have an account.
	var people [2]*termgoal.Person
	for i, name := range []string{"张三", "李四"} {
		people[i] = &termgoal.Person{Name: name, Gender: "male"}
		must(t, fx.store.CreatePerson(ctx, people[i]))
		acc := &termgoal.Account{Username: fmt.Sprintf("p%d", i), DisplayName: name, Lang: "zh-CN", PersonID: &people[i].ID}
		must(t, fx.store.CreateAccount(ctx, acc, "x"))
		fx.actors[name] = termgoal.Actor{AccountID: acc.ID, Name: name}
	}
	// The shipped calendar ends with 2026; an administrator adds the later years (New Year's
	// Day only, for the test).
	for y := 2027; y <= 2031; y++ {
		must(t, fx.store.AddCalendarYear(ctx, postgres.CalendarYear{Year: y}, []postgres.CalendarDay{{Day: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), Name: "元旦"}}))
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	term := &termgoal.Term{OrgID: fx.term.OrgID, HolderKind: termgoal.HolderPerson, PersonID: &people[0].ID, Appointment: termgoal.Appointed,
		Start: start, End: time.Date(2031, 3, 31, 0, 0, 0, 0, time.UTC), TemplateID: fx.term.TemplateID}
	must(t, fx.store.CreateTerm(ctx, term))
	fx.term = term
	tg := map[string]string{}
	for y := 2026; y <= 2031; y++ {
		tg[fmt.Sprint(y)] = "10"
	}
	plan := []termgoal.PlanItem{
		{Category: "中心工作", Title: "招商引资", Quantitative: true, Unit: "亿元", Targets: tg, Weight: 60, Owner: "县长"},
		{Category: "党的建设", Title: "党风廉政", Targets: tg, Weight: 40, Owner: "县长"},
	}

	in := &workflows.TermInput{TermID: term.ID, Initiator: fx.actors["admin"]}
	gs := workflows.GoalSettingID(term.ID)
	handoverAppraisal := workflows.HandoverAppraisalID(term.ID, 1)
	var runs int
	for year := 2026; in != nil; year++ {
		runs++
		if year == 2028 {
			// The amendment, approved in December 2027: the appraisal of 2027 uses version 2.
			amended := []termgoal.PlanItem{plan[0], plan[1]}
			amended[0].Weight, amended[1].Weight = 70, 30
			_, err := playInput(t, fx, time.Date(2027, 12, 14, 1, 0, 0, 0, time.UTC), []act{
				{at: at(1), who: "张三", name: workflows.UpdateSubmitDraft, input: &workflows.SubmitDraftInput{Items: amended, Note: "上级政策调整"}},
				{at: at(2), who: "sup", name: workflows.UpdateApprove, input: &workflows.DecisionInput{}},
			}, workflows.GoalSettingInput{TermID: term.ID, Initiator: fx.actors["张三"], Amendment: true, Reason: "政策调整"},
				func(env *testsuite.TestWorkflowEnvironment) {
					env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflows.AmendmentID(term.ID, 1)})
				})
			must(t, err)
		}
		runStart := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		if year == 2026 {
			runStart = start
		}
		r := newTermRun(t, fx, runStart)
		holder := "张三"
		if year > 2029 {
			holder = "李四"
		}
		switch year {
		case 2026:
			// Goal setting: draft, committee, approval, the notice, filing, pledges.
			r.at(at(1), gs, workflows.UpdateSubmitDraft, "张三", &workflows.SubmitDraftInput{Items: plan})
			for i, m := range []string{"m1", "m2", "m3"} {
				r.at(at(2+i), gs, workflows.UpdateVote, m, &workflows.VoteInput{Choice: termgoal.VoteFor})
			}
			r.at(at(6), gs, workflows.UpdateApprove, "sup", &workflows.DecisionInput{})
			r.at(day(14), gs, workflows.UpdateFile, "clerk", &workflows.FileInput{DocNumber: "组备〔2026〕1号"})
			r.at(day(14)+at(1), gs, workflows.UpdateSignPledges, "张三", &workflows.SignPledgesInput{Pledges: termgoal.Pledges})
		case 2029:
			r.appraise(0, workflows.AppraisalID(term.ID, year-1), holder)
			// Mid-year the holder leaves; the successor takes over.
			r.env.RegisterDelayedCallback(func() {
				admin := fx.actors["admin"]
				err := r.env.UpdateWorkflowByID(workflows.TermID(term.ID), workflows.UpdateHandover, "handover-1", &testsuite.TestUpdateCallback{
					OnAccept: func() {}, OnReject: func(err error) { t.Errorf("handover refused: %v", err) },
					OnComplete: func(_ any, err error) {
						if err != nil {
							t.Errorf("handover: %v", err)
						}
					},
				}, &workflows.HandoverInput{Acting: workflows.Acting{Actor: admin}, ToPersonID: people[1].ID, On: time.Date(2029, 7, 1, 0, 0, 0, 0, time.UTC), Reason: "调任"})
				if err != nil {
					t.Error(err)
				}
			}, day(181))
			r.appraise(day(181), handoverAppraisal, "张三")
		case 2031:
			r.appraise(0, workflows.AppraisalID(term.ID, year-1), holder)
			// The end-of-term appraisal starts on 31 January, two months before the end.
			r.at(day(30)+at(1), workflows.TermEndID(term.ID), workflows.UpdateSelfAssess, holder, selfAssessment(termgoal.GradeCompleted))
			for i, sup := range []string{"sup", "sup2", "sup3"} {
				r.at(day(30)+at(2+i), workflows.TermEndID(term.ID), workflows.UpdateScore, sup, sheet(90, 90))
			}
			r.at(day(30)+at(6), workflows.TermEndID(term.ID), workflows.UpdateDetermine, "sup", &workflows.DetermineInput{Outcome: termgoal.OutcomeRotate})
			// Nobody appeals: it is archived when the appeal window passes.
		default:
			r.appraise(0, workflows.AppraisalID(term.ID, year-1), holder)
		}
		in = r.run(*in)
		// A report starts the day after its period: December's in the next run. The first
		// year has 11 ledgers and 3 summaries, the last run December 2030 to March 2031.
		want := map[string]int{termgoal.ProgressLedger: 12, termgoal.ProgressQuarterly: 4, termgoal.ProgressMidYear: 1}
		switch year {
		case 2026:
			want = map[string]int{termgoal.ProgressLedger: 11, termgoal.ProgressQuarterly: 3, termgoal.ProgressMidYear: 1}
		case 2031:
			want = map[string]int{termgoal.ProgressLedger: 4, termgoal.ProgressQuarterly: 2}
		}
		for kind, n := range want {
			if r.reports[kind] != n {
				t.Errorf("%d: %d %s reports, want %d", year, r.reports[kind], kind, n)
			}
		}
	}
	if runs != 6 {
		t.Errorf("%d runs, want one a year from 2026 to 2031", runs)
	}

	// Five annual appraisals and the end of term, archived, each on the plan then in force.
	for y := 2026; y <= 2030; y++ {
		rec, err := fx.store.Appraisal(ctx, workflows.AppraisalID(term.ID, y))
		must(t, err)
		p, err := fx.store.Process(ctx, workflows.AppraisalID(term.ID, y))
		must(t, err)
		// The plan in force at the end of the year: the amendment counts from 2027 on.
		wantVersion := 1
		if y >= 2027 {
			wantVersion = 2
		}
		if rec.Status != "archived" || rec.Result == nil || p.Version != wantVersion {
			t.Errorf("%d appraisal: %s on plan version %d (want %d), result %+v", y, rec.Status, p.Version, wantVersion, rec.Result)
		}
	}
	end, err := fx.store.Appraisal(ctx, workflows.TermEndID(term.ID))
	must(t, err)
	if end.Status != "archived" || end.Result.Outcome != termgoal.OutcomeRotate {
		t.Errorf("end of term %+v", end)
	}
	// The handover: the leaver appraised for January to June, the term now the successor's,
	// the plan untouched.
	left, err := fx.store.Appraisal(ctx, handoverAppraisal)
	must(t, err)
	if left.Kind != termgoal.AppraisalHandover || left.Status != "archived" || left.PeriodTo.Format(time.DateOnly) != "2029-07-01" {
		t.Errorf("handover appraisal %+v", left)
	}
	now, err := fx.store.Term(ctx, term.ID)
	must(t, err)
	if now.PersonID == nil || *now.PersonID != people[1].ID {
		t.Errorf("the term's holder is %v after the handover", now.PersonID)
	}
	versions, err := fx.store.PlanVersions(ctx, term.ID)
	must(t, err)
	if len(versions) != 2 {
		t.Errorf("%d plan versions, want the original and the amendment only", len(versions))
	}
}
