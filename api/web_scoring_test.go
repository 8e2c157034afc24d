package api

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/workflows"
)

// The scoring step says whom it waits for and why, and how the score is made group by group,
// on the scorer's task page and on the appraisal page (issue 25).
func TestScoringStatusPages(t *testing.T) {
	f := newFixture(t)
	term := f.appraisalTerm(f.a1, f.ballotTemplate(), 0)
	f.planInForce(term)
	holder := f.accounts["holderA1"].ID
	groups, err := termgoal.GroupScores([]termgoal.RaterGroup{{Key: termgoal.RaterSuperior, Weight: 60}, {Key: termgoal.RaterPublic, Weight: 30},
		{Key: termgoal.RaterSelf, Weight: 10}}, []termgoal.Ballot{{Group: termgoal.RaterSuperior, Score: 90}, {Group: termgoal.RaterSelf, Score: 80}})
	if err != nil {
		t.Fatal(err)
	}
	score := 88.57
	state := termgoal.ProcessState{
		Signers: []termgoal.Signer{
			{Actor: termgoal.Actor{AccountID: 90, Name: "李部长"}, Status: "done", Group: termgoal.RaterSuperior},
			{Actor: termgoal.Actor{AccountID: holder, Name: "周处长"}, Status: "open", Group: termgoal.RaterSuperior},
		},
		Appraisal: &termgoal.AppraisalView{Year: 2025, RaterScore: &score, Groups: groups},
	}
	task := f.seedTask("ap-scoring", term, termgoal.AppraisalAnnual, termgoal.StepScoring, "score", holder, state,
		&termgoal.AppraisalRecord{Year: 2025, Holder: "a1", Status: "running"})
	body, _ := f.page("GET", "/tasks/"+task, f.a1Tok, 200)
	for _, want := range []string{`id="scoring-status"`, `data-group="superior"`, `class="scoring-group pending" data-group="superior"`,
		`<span class="overdue">周处长</span>`, "测评进行中", "上表所列评分人全部评分后进入结果评定", "目前考核得分：88.57",
		"触及一票否决事项", ">85.7%<"} {
		if !strings.Contains(body, want) {
			t.Errorf("the scorer's page lacks %q", want)
		}
	}
	if strings.Contains(body, `<span class="overdue">李部长`) {
		t.Error("a rater who scored is still awaited")
	}
	// Every named rater done: the step waits for the ballot window.
	state.Signers = []termgoal.Signer{{Actor: termgoal.Actor{AccountID: 90, Name: "李部长"}, Status: "done", Group: termgoal.RaterSuperior}}
	f.seedTask("ap-ballots", term, termgoal.AppraisalAnnual, termgoal.StepScoring, "score", holder, state,
		&termgoal.AppraisalRecord{Year: 2025, Holder: "a1", Status: "running"})
	if body, _ := f.page("GET", "/appraisals/ap-ballots", f.aTok, 200); !strings.Contains(body, "署名评分人均已评分；匿名测评开放至") || strings.Contains(body, `class="overdue"`) {
		t.Errorf("waiting for the ballots:\n%s", body)
	}
	body, _ = f.page("GET", "/appraisals/ap-scoring?lang=en", f.aTok, 200)
	for _, want := range []string{`id="scoring-groups"`, "Waiting for", "ballots open", "anonymous ballots by one-time codes"} {
		if !strings.Contains(body, want) {
			t.Errorf("the appraisal page lacks %q:\n%s", want, body)
		}
	}
}

// An approver's task page shows what the decision needs: the opinions and how each was
// answered, the committee's votes and count, whom the step waits for, and the attachments.
func TestDecisionContextOnTheTaskPage(t *testing.T) {
	f := newFixture(t)
	term := f.appraisalTerm(f.a1, f.tmpl, 0)
	approver := f.accounts["holderA1"].ID
	state := termgoal.ProcessState{Signers: []termgoal.Signer{
		{Actor: termgoal.Actor{AccountID: approver, Name: "李部长"}, Status: "open"},
		{Actor: termgoal.Actor{AccountID: 91, Name: "周处长"}, Status: "waiting"},
	}}
	task := f.seedTask("gs-ctx", term, workflows.KindGoalSetting, termgoal.StepApproval, "approve", approver, state, nil)
	at := time.Date(2026, 1, 6, 9, 0, 0, 0, time.UTC)
	for i, c := range []termgoal.Change{
		{Opinion: &termgoal.Opinion{Seq: 1, AuthorID: 7, AuthorName: "冯代表", Content: "增加集体经济的年度指标", At: at, Disposition: termgoal.PartlyAdopted, Reason: "已细化到每年"}},
		{Vote: &termgoal.Vote{Round: 1, AccountID: 8, Name: "钱委员", Choice: termgoal.VoteFor}},
		{Vote: &termgoal.Vote{Round: 1, AccountID: 9, Name: "吴委员", Choice: termgoal.VoteAgainst}},
	} {
		c.ID, c.At, c.Action = fmt.Sprintf("gs-ctx/%d", i), at, "seeded"
		c.Process = termgoal.Process{ID: "gs-ctx", Kind: workflows.KindGoalSetting, TermID: term.ID, OrgID: term.OrgID, Step: termgoal.StepApproval,
			Status: "running", Version: 1, DeadlineOn: mustDay("2026-03-31"), StartedAt: at, State: state}
		if err := f.store.Apply(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	}
	body, _ := f.page("GET", "/tasks/"+task, f.a1Tok, 200)
	for _, want := range []string{`id="decision-context"`, "增加集体经济的年度指标", "部分采纳", "已细化到每年", "钱委员", "吴委员", `id="tally"`,
		`data-status="waiting"><td>周处长</td>`, `id="no-attachments"`, `href="/processes/gs-ctx" id="task-process-link"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the approver's page lacks %q", want)
		}
	}
}

// A notification a channel keeps refusing shows on the process page, to its administrators
// only (issue 26).
func TestUndeliveredOnTheProcessPage(t *testing.T) {
	f := newFixture(t)
	term := f.appraisalTerm(f.a1, f.tmpl, 0)
	f.seedTask("gs-undelivered", term, workflows.KindGoalSetting, termgoal.StepApproval, "approve", f.accounts["holderA1"].ID, termgoal.ProcessState{}, nil)
	for _, d := range []postgres.Delivery{
		{NotificationID: "gs-undelivered/n/1/7", Channel: "webhook:3", Status: postgres.DeliveryFailed, Attempts: 4, Error: "dingtalk: 500 Internal Server Error"},
		{NotificationID: "gs-undelivered/n/1/7", Channel: "email", Status: postgres.DeliverySent, Attempts: 1},
		{NotificationID: "gs-other/n/1/7", Channel: "email", Status: postgres.DeliveryFailed, Attempts: 2, Error: "another process"},
	} {
		if err := f.store.RecordDelivery(t.Context(), d); err != nil {
			t.Fatal(err)
		}
	}
	body, _ := f.page("GET", "/processes/gs-undelivered", f.aTok, 200)
	if !strings.Contains(body, `id="undelivered"`) || !strings.Contains(body, "dingtalk: 500 Internal Server Error") ||
		strings.Contains(body, `data-channel="email"`) || strings.Contains(body, "another process") {
		t.Errorf("the administrator's process page:\n%s", body)
	}
	if body, _ := f.page("GET", "/processes/gs-undelivered", f.a1Tok, 200); strings.Contains(body, `id="undelivered"`) {
		t.Error("a holder sees the deliveries")
	}
}
