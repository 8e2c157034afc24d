package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"termgoal"
	"termgoal/postgres"
	"termgoal/workflows"
)

// seedAppraisalTerm registers a second term of the village, 2025 to 2027, with its goals in
// force (as a finished goal setting leaves them), and answers it.
func (s *browserSys) seedAppraisalTerm(t *testing.T) termgoal.Term {
	t.Helper()
	first, err := s.store.Term(context.Background(), s.ids["term"])
	if err != nil {
		t.Fatal(err)
	}
	return s.seedTermOf(t, first.TemplateID)
}

// seedTermOf is seedAppraisalTerm with template tpl.
func (s *browserSys) seedTermOf(t *testing.T, tpl int64) termgoal.Term {
	t.Helper()
	ctx := context.Background()
	first, err := s.store.Term(ctx, s.ids["term"])
	if err != nil {
		t.Fatal(err)
	}
	term := termgoal.Term{OrgID: first.OrgID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected, TemplateID: tpl,
		Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)}
	if err := s.store.CreateTerm(ctx, &term); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	items := []termgoal.PlanItem{
		{Category: "中心工作", Title: "发展村集体经济", Quantitative: true, Unit: "万元", Weight: 60, Targets: map[string]string{"2025": "10", "2026": "20", "2027": "30"}},
		{Category: "党的建设", Title: "党员培训全覆盖", Weight: 40, Targets: map[string]string{"2025": "培训率100%"}},
	}
	err = s.store.Apply(ctx, termgoal.Change{ID: fmt.Sprint("seed-plan-", term.ID), At: at, Action: "plan_seeded",
		Process: termgoal.Process{ID: fmt.Sprintf("seed-goalsetting-%d", term.ID), Kind: workflows.KindGoalSetting, TermID: term.ID, OrgID: term.OrgID,
			Step: termgoal.StepInForce, Status: "completed", Version: 1, DeadlineOn: at, StartedAt: at},
		PlanVersion: &termgoal.PlanVersion{TermID: term.ID, Version: 1, Items: items, Step: termgoal.StepPledge, Status: "in_force"},
		InForce:     true})
	if err != nil {
		t.Fatal(err)
	}
	return term
}

// TestWebAppraisalInABrowser: a whole annual appraisal through the pages by four accounts. The
// administrator starts the 2025 annual appraisal from the term page; the holder fills in the
// self-assessment item by item (a missing summary is refused first, the form keeping what was
// typed); the superior scores it from the scoring sheet, sees how the score is made and
// determines the result; the administrator moves it on from the notice; the holder
// acknowledges the result and it is archived.
func TestWebAppraisalInABrowser(t *testing.T) {
	s := startBrowserSys(t)
	term := s.seedAppraisalTerm(t)
	id := workflows.AppraisalID(term.ID, 2025)
	b := newBrowser(t, s.srv.URL)

	b.login("adm")
	b.open(fmt.Sprintf("/terms/%d", term.ID))
	expectText(t, "term admin", b.text("#term-admin"), "任期管理", "跟踪任期", "启动考核")
	b.do("start the appraisal", chromedp.Click(chromedp.CSS("#op-appraisal summary")),
		chromedp.SetValue(chromedp.CSS("#appraisal-kind"), termgoal.AppraisalAnnual), chromedp.SetValue(chromedp.CSS("#appraisal-year"), "2025"))
	b.submitDone("#appraisal-submit", "已启动考核")
	b.logout()

	ctx := context.Background()
	deadline := time.Now().Add(20 * time.Second)
	for {
		tasks, _, err := s.store.Inbox(ctx, postgres.InboxFilter{AccountID: s.ids["holder"], Today: time.Now(), Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the self-assessment never reached the inbox: %+v", tasks)
		}
		time.Sleep(100 * time.Millisecond)
	}

	b.login("holder")
	b.openTask("self_assess")
	expectText(t, "self-assessment page", b.body(), "自评申报", "发展村集体经济", "党员培训全覆盖", "2025 年目标", "培训率100%")
	b.do("fill the self-assessment",
		chromedp.SendKeys(chromedp.CSS("#actual_1"), "12 万元"), chromedp.SendKeys(chromedp.CSS("#evidence_1"), "村集体账目"),
		chromedp.SendKeys(chromedp.CSS("#actual_2"), "培训率100%"), chromedp.SendKeys(chromedp.CSS("#evidence_2"), "签到表"),
		chromedp.SetValue(chromedp.CSS("#proposed-grade"), termgoal.GradeCompleted),
		// The browser's own check would stop an empty summary: drop it to see the server's.
		chromedp.Evaluate[chromedp.Void]("document.querySelector('#self-summary').removeAttribute('required')"))
	b.submit("#self-assess-submit")
	expectText(t, "summary refused", b.text("#error"), "自评需要填写总结")
	if v := b.attr("#actual_1", "value"); v != "12 万元" {
		t.Errorf("the form lost what was typed: %q", v)
	}
	b.screenshot("self_assessment.png")
	b.do("write the summary", chromedp.SendKeys(chromedp.CSS("#self-summary"), "全年目标全部完成"))
	b.submitDone("#self-assess-submit", "已办理：提交自评")

	b.open("/appraisals/" + id)
	expectText(t, "appraisal step", b.text("#appraisal-step"), "验收评分")
	expectText(t, "self-assessment shown", b.text("#self-assessment"), "12 万元", "村集体账目", "全年目标全部完成", "完成")
	b.screenshot("appraisal.png")
	b.logout()

	// The superior scores item by item.
	b.login("sup")
	b.openTask("score")
	expectText(t, "scoring page", b.body(), "评分表", "12 万元", "全年目标全部完成")
	b.do("score", chromedp.SendKeys(chromedp.CSS("#score_1"), "95"), chromedp.SendKeys(chromedp.CSS("#score_2"), "90"),
		chromedp.SendKeys(chromedp.CSS("#score-comment"), "成效明显"))
	b.submitDone("#score-submit", "已办理：评分")
	b.open("/appraisals/" + id)
	expectText(t, "after scoring", b.text("#appraisal-step"), "结果评定")
	expectText(t, "sheet shown", b.text("#score-sheets"), "上级", "李部长", "95", "成效明显")
	b.open("/appraisals/" + id + "?lang=en")
	expectText(t, "english appraisal", b.body(), "Annual appraisal", "Result", "Scoring sheets")
	b.open("/appraisals/" + id + "?lang=zh-CN")

	// The result: the decider sees how the score was made, and determines the computed grade.
	b.openTask("determine")
	expectText(t, "how the score is made", b.text("#scoring-status"), "上级", "100%", "目前考核得分：93")
	b.do("comment", chromedp.SendKeys(chromedp.CSS("#determine-form textarea[name=comment]"), "全年目标全部完成"))
	b.screenshot("determine.png")
	b.submitDone("#determine-submit", "已办理：评定结果")
	b.logout()

	// The notice lasts working days: the administrator moves the appraisal on to the feedback.
	b.endNotice(id, termgoal.StepFeedback, "公示期满")

	// The holder reads the result and acknowledges it: the appraisal is archived.
	b.login("holder")
	b.openTask("feedback")
	expectText(t, "the result", b.text("#appraisal-result"), "93", "完成")
	b.submitDone("#acknowledge-submit", "已办理：确认结果")
	until(t, "the appraisal archived", func() bool {
		a, err := s.store.Appraisal(ctx, id)
		return err == nil && a.Status == "archived"
	})
	b.open("/appraisals/" + id)
	expectText(t, "archived", b.text("#appraisal-status"), "已存档")
	b.screenshot("archived.png")
}

// TestSalesMonthInABrowser: the administrator starts a salesperson's March appraisal from the
// term page, with the month in the period field; once assessed and scored, the superior
// enters the month's sales on the result form, a line that is not figures first (refused,
// the form keeping what was typed), and the appraisal page shows the company rules applied.
func TestSalesMonthInABrowser(t *testing.T) {
	s := startBrowserSys(t)
	ctx := context.Background()
	cfg := termgoal.DefaultAppraisal()
	cfg.Scale, cfg.Sales, cfg.Cycle = termgoal.CompanyScale, true, termgoal.CycleMonthly
	tpl := &termgoal.Template{Name: "销售人员（月度）", OrgType: termgoal.OrgEnterprise, NoticeDays: 5, DeadlineMonths: 2,
		Categories: []string{"中心工作", "党的建设"}, Appraisal: &cfg}
	if err := s.store.CreateTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	term := s.seedTermOf(t, tpl.ID)
	id := workflows.AppraisalPeriodID(term.ID, "2025-03")
	b := newBrowser(t, s.srv.URL)

	b.login("adm")
	b.open(fmt.Sprintf("/terms/%d", term.ID))
	b.do("start the month", chromedp.Click(chromedp.CSS("#op-appraisal summary")),
		chromedp.SetValue(chromedp.CSS("#appraisal-kind"), termgoal.AppraisalMonthly), chromedp.SendKeys(chromedp.CSS("#appraisal-period"), "2025-03"))
	b.submitDone("#appraisal-submit", "已启动考核")
	b.logout()

	until(t, "the month's appraisal waiting for the holder", func() bool {
		p, err := s.store.Process(ctx, id)
		return err == nil && p.Step == termgoal.StepSelfAssessment
	})
	s.actOn(t, id, "holder", "王书记", workflows.UpdateSelfAssess, &workflows.SelfAssessInput{SelfAssessment: termgoal.SelfAssessment{
		Items:   []termgoal.ItemActual{{No: 1, Actual: "5 万元", Evidence: "销售台账"}, {No: 2, Actual: "培训 1 次", Evidence: "签到表"}},
		Summary: "三月销售偏弱", Proposed: termgoal.GradePass}})
	s.actOn(t, id, "sup", "李部长", workflows.UpdateScore, &workflows.ScoreInput{Scores: []termgoal.ItemScore{{No: 1, Score: 90}, {No: 2, Score: 80}}})

	b.login("sup")
	b.openTask("determine")
	b.do("a line that is not figures", chromedp.SendKeys(chromedp.CSS("#sales-figures"), "2025-03 十万 60000 50000"))
	b.submit("#determine-submit")
	expectText(t, "refused", b.text("#error"), "销售数据第 1 行")
	if v, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS("#sales-figures"))); err != nil || !strings.Contains(v, "十万") {
		t.Errorf("the form lost the figures: %q, %v", v, err)
	}
	b.do("the month's figures", chromedp.Clear(chromedp.CSS("#sales-figures")), chromedp.SendKeys(chromedp.CSS("#sales-figures"), "2025-03 100000 60000 50000"))
	b.submitDone("#determine-submit", "已办理")
	b.open("/appraisals/" + id)
	// 86 − 1 point (10,000 under the minimum) = 85; 50% of the target pays 60%.
	expectText(t, "the month's page", b.text("h1"), "月度考核")
	expectText(t, "rules applied", b.text("#appraisal-result"), "计 -1 分", "完成目标的 50%：发放绩效工资的 60%。", "2025-03")
	b.screenshot("sales_month.png")
}
