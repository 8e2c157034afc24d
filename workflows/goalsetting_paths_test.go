package workflows_test

import (
	"context"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/workflows"
)

// monday is Monday 2 November 2026, 09:00 in Beijing.
var monday = time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)

var allSteps = termgoal.Template{Consultation: true, ExpertReview: true}

// through is every action from consultation to the notice, for a plan already drafted.
func through(start int) []act {
	m := func(k int) time.Duration { return at(start + k) }
	return []act{
		{at: m(0), who: "rep1", name: workflows.UpdateGiveOpinion, input: &workflows.GiveOpinionInput{Content: "more on jobs"}},
		{at: m(1), who: "rep2", name: workflows.UpdateGiveOpinion, input: &workflows.GiveOpinionInput{Content: "fine"}},
		{at: m(2), who: "holder", name: workflows.UpdateAnswerOpinion, input: &workflows.AnswerOpinionInput{Seq: 1, Disposition: termgoal.NotAdopted, Reason: "jobs are item 3"}},
		{at: m(3), who: "holder", name: workflows.UpdateAnswerOpinion, input: &workflows.AnswerOpinionInput{Seq: 2, Disposition: termgoal.NotAdopted, Reason: "already covered"}},
		{at: m(4), who: "holder", name: workflows.UpdateCompleteConsultation, input: &workflows.CompleteConsultationInput{}},
		{at: m(5), who: "expert", name: workflows.UpdateReview, input: &workflows.ReviewInput{Feasible: true, Comment: "feasible"}},
		{at: m(6), who: "m1", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}},
		{at: m(7), who: "m2", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}},
		{at: m(8), who: "m3", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteAgainst}},
		{at: m(9), who: "sup", name: workflows.UpdateApprove, input: &workflows.DecisionInput{Comment: "ok"}, check: stepIs(termgoal.StepApproval)},
	}
}

func draft(minute int, title string) act {
	return act{at: at(minute), who: "holder", name: workflows.UpdateSubmitDraft, input: &workflows.SubmitDraftInput{Items: items(title)}}
}

// finish files the plan and signs the pledges once the notice is over.
func finish(after time.Duration) []act {
	return []act{
		{at: after, who: "clerk", name: workflows.UpdateFile, input: &workflows.FileInput{DocNumber: "青组备〔2026〕12号"}, check: stepIs(termgoal.StepFiling)},
		{at: after + time.Minute, who: "holder", name: workflows.UpdateSignPledges, input: &workflows.SignPledgesInput{Pledges: termgoal.Pledges}},
	}
}

func TestStraightThrough(t *testing.T) {
	fx := newFixture(t, allSteps)
	acts := append([]act{draft(1, "集体经济")}, through(2)...)
	// The notice of 5 working days starts Monday 2 November and ends Monday 9 November.
	acts = append(acts, act{at: day(7), check: stepIs(termgoal.StepNotice)})
	acts = append(acts, finish(day(8))...)
	res, err := play(t, fx, monday, acts)
	must(t, err)
	if res.Step != termgoal.StepInForce || res.Version != 1 {
		t.Fatalf("result = %+v", res)
	}
	ctx := context.Background()
	p, err := fx.store.Process(ctx, workflows.GoalSettingID(fx.term.ID))
	must(t, err)
	if p.Status != "completed" || p.Step != termgoal.StepInForce {
		t.Errorf("process = %s/%s", p.Status, p.Step)
	}
	n, err := fx.store.Notice(ctx, p.ID)
	must(t, err)
	if got := n.EndsOn.Format(time.DateOnly); got != "2026-11-09" || n.Status != "closed" {
		t.Errorf("notice ends %s status %s, want 2026-11-09 closed", got, n.Status)
	}
	term, err := fx.store.Term(ctx, fx.term.ID)
	must(t, err)
	if term.Status != "goals_in_force" {
		t.Errorf("term status = %s", term.Status)
	}
	versions, err := fx.store.PlanVersions(ctx, fx.term.ID)
	must(t, err)
	if len(versions) != 1 || versions[0].Status != "in_force" || len(versions[0].Items) != 2 {
		t.Errorf("versions = %+v", versions)
	}
	records, err := fx.store.StepRecords(ctx, p.ID)
	must(t, err)
	want := []termgoal.Step{termgoal.StepDraft, termgoal.StepConsultation, termgoal.StepExpertReview, termgoal.StepCommittee,
		termgoal.StepApproval, termgoal.StepNotice, termgoal.StepFiling, termgoal.StepPledge}
	if len(records) != len(want) {
		t.Fatalf("step records = %+v", records)
	}
	for i, r := range records {
		if r.Step != want[i] || r.Version != 1 {
			t.Errorf("record %d = %+v, want step %s version 1", i, r, want[i])
		}
	}
	for _, who := range []string{"holder", "sup", "m1", "clerk"} {
		open, _, err := fx.store.InboxCount(ctx, fx.actors[who].AccountID, monday)
		must(t, err)
		if open != 0 {
			t.Errorf("%s still has %d open tasks", who, open)
		}
	}
	audit, total, err := fx.store.Audit(ctx, postgres.AuditFilter{ProcessID: p.ID, Limit: 100})
	must(t, err)
	if total != len(audit) || total < 15 {
		t.Errorf("audit has %d entries", total)
	}
}

func TestReturnAndResubmit(t *testing.T) {
	fx := newFixture(t, termgoal.Template{})
	acts := []act{
		draft(1, "第一稿"),
		{at: at(2), who: "m1", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}},
		{at: at(3), who: "m2", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}},
		{at: at(4), who: "m3", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}},
		// A return needs its comments, free of control characters even from a client that
		// talks to Temporal directly.
		{at: at(5), who: "sup", name: workflows.UpdateReturn, input: &workflows.DecisionInput{}, want: termgoal.EINVALID},
		{at: at(5), who: "sup", name: workflows.UpdateReturn, input: &workflows.DecisionInput{Comment: "低\x00"}, want: termgoal.EINVALID,
			check: stepIs(termgoal.StepApproval)},
		{at: at(6), who: "sup", name: workflows.UpdateReturn, input: &workflows.DecisionInput{Comment: "targets too low"}},
		{at: at(7), who: "sup", name: workflows.UpdateApprove, input: &workflows.DecisionInput{}, want: termgoal.ECONFLICT, check: stepIs(termgoal.StepDraft)},
		draft(8, "第二稿"),
	}
	for i, w := range []string{"m1", "m2", "m3"} {
		acts = append(acts, act{at: at(9 + i), who: w, name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}})
	}
	acts = append(acts, act{at: at(12), who: "sup", name: workflows.UpdateApprove, input: &workflows.DecisionInput{}})
	acts = append(acts, finish(day(9))...)
	res, err := play(t, fx, monday, acts)
	must(t, err)
	if res.Version != 2 {
		t.Fatalf("version = %d, want 2", res.Version)
	}
	versions, err := fx.store.PlanVersions(context.Background(), fx.term.ID)
	must(t, err)
	if len(versions) != 2 || versions[0].Items[0].Title != "第二稿" || versions[1].Status != "superseded" {
		t.Errorf("versions = %+v", versions)
	}
}

func TestUnansweredOpinionBlocks(t *testing.T) {
	fx := newFixture(t, termgoal.Template{Consultation: true})
	acts := []act{
		draft(1, "稿"),
		{at: at(2), who: "rep1", name: workflows.UpdateGiveOpinion, input: &workflows.GiveOpinionInput{Content: "a"}},
		// The window is still open: rep2 has not answered.
		{at: at(3), who: "holder", name: workflows.UpdateCompleteConsultation, input: &workflows.CompleteConsultationInput{}, want: termgoal.ECONFLICT},
		{at: at(4), who: "rep2", name: workflows.UpdateGiveOpinion, input: &workflows.GiveOpinionInput{Content: "b"}},
		{at: at(5), who: "rep2", name: workflows.UpdateGiveOpinion, input: &workflows.GiveOpinionInput{Content: "again"}, want: termgoal.ECONFLICT},
		{at: at(6), who: "holder", name: workflows.UpdateAnswerOpinion, input: &workflows.AnswerOpinionInput{Seq: 1, Disposition: termgoal.Adopted}},
		{at: at(7), who: "holder", name: workflows.UpdateAnswerOpinion, input: &workflows.AnswerOpinionInput{Seq: 2, Disposition: termgoal.NotAdopted}, want: termgoal.EINVALID},
		{at: at(8), who: "holder", name: workflows.UpdateCompleteConsultation, input: &workflows.CompleteConsultationInput{}, want: termgoal.ECONFLICT},
		{at: at(9), who: "rep1", name: workflows.UpdateAnswerOpinion, input: &workflows.AnswerOpinionInput{Seq: 2, Disposition: termgoal.Adopted}, want: termgoal.EFORBIDDEN},
		{at: at(10), who: "holder", name: workflows.UpdateAnswerOpinion, input: &workflows.AnswerOpinionInput{Seq: 2, Disposition: termgoal.PartlyAdopted, Reason: "in part"}},
		// Both opinions were adopted (one in part): the plan is revised before the consultation ends.
		{at: at(11), who: "holder", name: workflows.UpdateCompleteConsultation, input: &workflows.CompleteConsultationInput{}, want: termgoal.ECONFLICT},
		{at: at(12), who: "rep1", name: workflows.UpdateRevisePlan, input: &workflows.RevisePlanInput{Items: items("稿二")}, want: termgoal.EFORBIDDEN},
		{at: at(13), who: "holder", name: workflows.UpdateRevisePlan, input: &workflows.RevisePlanInput{Items: items("")}, want: termgoal.EINVALID},
		{at: at(14), who: "holder", name: workflows.UpdateRevisePlan, input: &workflows.RevisePlanInput{Items: items("稿二"), Note: "采纳意见"}},
		{at: at(15), who: "holder", name: workflows.UpdateRevisePlan, input: &workflows.RevisePlanInput{Items: items("稿三")}, want: termgoal.ECONFLICT,
			check: func(t *testing.T, s *workflows.GoalState) {
				if s.Version != 2 || s.Step != termgoal.StepConsultation || s.Opinions[0].RevisedIn != 2 || s.Opinions[1].RevisedIn != 2 {
					t.Errorf("after the revision: version %d, step %s, opinions %+v", s.Version, s.Step, s.Opinions)
				}
			}},
		{at: at(16), who: "holder", name: workflows.UpdateCompleteConsultation, input: &workflows.CompleteConsultationInput{}},
		{at: at(17), check: stepIs(termgoal.StepCommittee)},
	}
	if _, err := play(t, fx, monday, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	ctx := context.Background()
	ops, err := fx.store.Opinions(ctx, workflows.GoalSettingID(fx.term.ID))
	must(t, err)
	if len(ops) != 2 || ops[1].Disposition != termgoal.PartlyAdopted || ops[0].RevisedIn != 2 || ops[1].RevisedIn != 2 {
		t.Errorf("opinions = %+v", ops)
	}
	versions, err := fx.store.PlanVersions(ctx, fx.term.ID)
	must(t, err)
	if len(versions) != 2 || versions[0].Version != 2 || versions[0].Items[0].Title != "稿二" || versions[0].Note != "采纳意见" {
		t.Errorf("versions = %+v", versions)
	}
}

func TestConsultationWindowCloses(t *testing.T) {
	fx := newFixture(t, termgoal.Template{Consultation: true, StepDays: map[termgoal.Step]int{termgoal.StepConsultation: 3}})
	acts := []act{
		draft(1, "稿"),
		{at: at(2), who: "rep1", name: workflows.UpdateGiveOpinion, input: &workflows.GiveOpinionInput{Content: "a"}},
		{at: at(3), who: "holder", name: workflows.UpdateAnswerOpinion, input: &workflows.AnswerOpinionInput{Seq: 1, Disposition: termgoal.NotAdopted, Reason: "已有"}},
		// 3 working days from Monday: the window ends with Thursday.
		{at: day(3), check: func(t *testing.T, s *workflows.GoalState) {
			if s.WindowOver {
				t.Error("window closed before its last day ended")
			}
		}},
		{at: day(4), who: "rep2", name: workflows.UpdateGiveOpinion, input: &workflows.GiveOpinionInput{Content: "late"}, want: termgoal.ECONFLICT},
		{at: day(4) + time.Minute, who: "holder", name: workflows.UpdateCompleteConsultation, input: &workflows.CompleteConsultationInput{}},
		{at: day(4) + 2*time.Minute, check: stepIs(termgoal.StepCommittee)},
	}
	if _, err := play(t, fx, monday, acts); err != errNotCompleted {
		t.Fatal(err)
	}
}

func TestQuorumNotReachedThenVoteFails(t *testing.T) {
	fx := newFixture(t, termgoal.Template{StepDays: map[termgoal.Step]int{termgoal.StepCommittee: 2}})
	acts := []act{
		draft(1, "稿"),
		// Only one of three members votes before the 2-working-day window ends: no quorum.
		{at: at(2), who: "m1", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}},
		{at: at(3), who: "m1", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}, want: termgoal.ECONFLICT},
		{at: at(4), who: "holder", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}, want: termgoal.EFORBIDDEN},
		{at: at(5), who: "m2", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: "maybe"}, want: termgoal.EINVALID},
		{at: day(3), check: func(t *testing.T, s *workflows.GoalState) {
			if s.Step != termgoal.StepCommittee || s.VoteRound != 2 || s.LastTally == nil || s.LastTally.Quorum {
				t.Errorf("after the window: step %s round %d tally %+v", s.Step, s.VoteRound, s.LastTally)
			}
		}},
		// Round 2: a recusal and two against: quorum (2 of 3 present), but it fails.
		{at: day(3) + at(1), who: "m1", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteRecuse}},
		{at: day(3) + at(2), who: "m2", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteAgainst}},
		{at: day(3) + at(3), who: "m3", name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}},
		{at: day(3) + at(4), check: func(t *testing.T, s *workflows.GoalState) {
			if s.Step != termgoal.StepDraft || s.Round != 2 || s.LastTally.Passed || !s.LastTally.Quorum {
				t.Errorf("after the failed vote: step %s round %d tally %+v", s.Step, s.Round, s.LastTally)
			}
		}},
	}
	if _, err := play(t, fx, monday, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	votes, err := fx.store.Votes(context.Background(), workflows.GoalSettingID(fx.term.ID))
	must(t, err)
	if len(votes) != 4 {
		t.Errorf("votes = %+v", votes)
	}
}

func approvedToNotice(start int) []act {
	acts := []act{draft(start, "稿")}
	for i, w := range []string{"m1", "m2", "m3"} {
		acts = append(acts, act{at: at(start + 1 + i), who: w, name: workflows.UpdateVote, input: &workflows.VoteInput{Choice: termgoal.VoteFor}})
	}
	return append(acts, act{at: at(start + 4), who: "sup", name: workflows.UpdateApprove, input: &workflows.DecisionInput{}})
}

func TestObjectionUpheldAndDismissed(t *testing.T) {
	fx := newFixture(t, termgoal.Template{})
	acts := approvedToNotice(1)
	acts = append(acts,
		act{at: at(10), who: "", name: workflows.UpdateFileObjection, input: &workflows.FileObjectionInput{Content: "target 1 is unrealistic"}},
		act{at: at(11), who: "holder", name: workflows.UpdateResolveObjection, input: &workflows.ResolveObjectionInput{Seq: 1, Reason: "x"}, want: termgoal.EFORBIDDEN},
		act{at: at(12), who: "sup", name: workflows.UpdateResolveObjection, input: &workflows.ResolveObjectionInput{Seq: 1, Upheld: true, Reason: "agreed"}},
		act{at: at(13), check: stepIs(termgoal.StepDraft)},
	)
	acts = append(acts, approvedToNotice(20)...)
	acts = append(acts,
		act{at: at(30), who: "rep1", name: workflows.UpdateFileObjection, input: &workflows.FileObjectionInput{Content: "named objection"}},
		// The notice's days pass, but an objection is open: the notice waits.
		act{at: day(10), check: stepIs(termgoal.StepNotice)},
		act{at: day(10), who: "sup", name: workflows.UpdateResolveObjection, input: &workflows.ResolveObjectionInput{Seq: 1, Reason: "old"}, want: termgoal.ECONFLICT},
		act{at: day(10) + at(1), who: "sup", name: workflows.UpdateResolveObjection, input: &workflows.ResolveObjectionInput{Seq: 2, Reason: "unfounded"}},
		act{at: day(10) + at(2), check: stepIs(termgoal.StepFiling)},
		act{at: day(10) + at(3), who: "rep1", name: workflows.UpdateFileObjection, input: &workflows.FileObjectionInput{Content: "too late"}, want: termgoal.ECONFLICT},
	)
	if _, err := play(t, fx, monday, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	ctx := context.Background()
	id := workflows.GoalSettingID(fx.term.ID)
	obj, err := fx.store.Objections(ctx, id)
	must(t, err)
	if len(obj) != 2 || !obj[0].Anonymous || obj[0].Resolution != "upheld" || obj[1].AuthorName != "rep1" || obj[1].Resolution != "dismissed" {
		t.Errorf("objections = %+v", obj)
	}
	n, err := fx.store.Notice(ctx, id)
	must(t, err)
	if n.Round != 2 || n.Status != "closed" {
		t.Errorf("notice = %+v", n)
	}
}

func TestNoticeCountsWorkingDaysAcrossNationalDay(t *testing.T) {
	fx := newFixture(t, termgoal.Template{})
	// Monday 28 September 2026: five working days are 29 and 30 September, 8 and 9 October
	// and the make-up Saturday 10 October.
	start := time.Date(2026, 9, 28, 1, 0, 0, 0, time.UTC)
	acts := approvedToNotice(1)
	acts = append(acts,
		act{at: day(12), check: stepIs(termgoal.StepNotice)}, // 10 October, the last day
		act{at: day(13), check: stepIs(termgoal.StepFiling)}, // 11 October
	)
	if _, err := play(t, fx, start, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	n, err := fx.store.Notice(context.Background(), workflows.GoalSettingID(fx.term.ID))
	must(t, err)
	if got := n.EndsOn.Format(time.DateOnly); got != "2026-10-10" {
		t.Errorf("notice ends %s, want 2026-10-10", got)
	}
}

func TestRefusals(t *testing.T) {
	fx := newFixture(t, termgoal.Template{})
	bad := items("x")
	bad[0].Weight = 10
	noTarget := items("x")
	delete(noTarget[1].Targets, "2028")
	acts := []act{
		{at: at(1), who: "outsider", name: workflows.UpdateSubmitDraft, input: &workflows.SubmitDraftInput{Items: items("x")}, want: termgoal.EFORBIDDEN},
		{at: at(2), who: "holder", name: workflows.UpdateSubmitDraft, input: &workflows.SubmitDraftInput{Items: bad}, want: termgoal.EINVALID},
		{at: at(3), who: "holder", name: workflows.UpdateSubmitDraft, input: &workflows.SubmitDraftInput{Items: noTarget}, want: termgoal.EINVALID},
		{at: at(4), who: "holder", name: workflows.UpdateSubmitDraft, input: &workflows.SubmitDraftInput{}, want: termgoal.EINVALID},
		{at: at(5), who: "sup", name: workflows.UpdateApprove, input: &workflows.DecisionInput{}, want: termgoal.ECONFLICT},
		// The same update ID twice applies once: the second answers the first result.
		{at: at(6), id: "same", who: "holder", name: workflows.UpdateSubmitDraft, input: &workflows.SubmitDraftInput{Items: items("x")}},
		{at: at(7), id: "same", who: "holder", name: workflows.UpdateSubmitDraft, input: &workflows.SubmitDraftInput{Items: items("x")}},
		{at: at(8), check: func(t *testing.T, s *workflows.GoalState) {
			if s.Version != 1 || s.Step != termgoal.StepCommittee {
				t.Errorf("version %d step %s", s.Version, s.Step)
			}
		}},
	}
	if _, err := play(t, fx, monday, acts); err != errNotCompleted {
		t.Fatal(err)
	}
	_, total, err := fx.store.Audit(context.Background(), postgres.AuditFilter{ProcessID: workflows.GoalSettingID(fx.term.ID), Limit: 50})
	must(t, err)
	if total != 2 { // started, draft_submitted
		t.Errorf("audit entries = %d, want 2", total)
	}
}
