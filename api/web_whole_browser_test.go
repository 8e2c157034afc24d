package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"termgoal"
	"termgoal/workflows"
)

// TestWholeGoalSettingInABrowser drives one goal setting from the draft to the goals in force
// through the pages alone, by six accounts (issue 25): the holder drafts with the plan editor
// (adding a row with its button); the consultee gives an opinion; the holder adopts it, revises
// the plan on the same page and completes the consultation; the consultee is told and sees the
// change marked; the committee votes; the superior transfers the approval to another superior
// found with the picker, who approves; the administrator moves the process on from the notice;
// the filing clerk files it and the holder signs the pledges. Screenshots are kept.
func TestWholeGoalSettingInABrowser(t *testing.T) {
	s := startBrowserSys(t)
	ctx := context.Background()
	village := &termgoal.Org{Name: "桃源村党支部", Type: termgoal.OrgVillage, ParentID: ptr(s.ids["county"])}
	if err := s.store.CreateOrg(ctx, village); err != nil {
		t.Fatal(err)
	}
	s.addAccount(t, "holder2", "孙书记", termgoal.RoleHolder, village.ID)
	s.addAccount(t, "rep", "冯代表", termgoal.RoleConsultee, village.ID)
	s.addAccount(t, "mem2", "钱委员", termgoal.RoleCommittee, village.ID)
	s.addAccount(t, "clerk", "吴备案员", termgoal.RoleFilingClerk, s.ids["county"])
	tpl := &termgoal.Template{Name: "村党组织任期目标（征求意见）", NoticeDays: 5, DeadlineMonths: 2, Consultation: true,
		Categories: []string{"中心工作", "党的建设"}}
	if err := s.store.CreateTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	term := s.startGoalSetting(t, village.ID, tpl.ID, "holder2")
	process := workflows.GoalSettingID(term)
	b := newBrowser(t, s.srv.URL)

	// The draft: three blank rows, a fourth added with the button; two items filled in.
	b.login("holder2")
	b.openTask("draft")
	b.submit("#add-row")
	expectText(t, "a fourth row", b.text("#plan-editor"), "4")
	fill := []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(chromedp.CSS("#category_0"), "中心工作"), chromedp.SendKeys(chromedp.CSS("#title_0"), "壮大村集体经济"),
		chromedp.Click(chromedp.CSS("#quantitative_0")), chromedp.SendKeys(chromedp.CSS("#unit_0"), "万元"),
		chromedp.SendKeys(chromedp.CSS("#weight_0"), "60"), chromedp.SendKeys(chromedp.CSS("#owner_0"), "书记"),
		chromedp.SetValue(chromedp.CSS("#category_1"), "党的建设"), chromedp.SendKeys(chromedp.CSS("#title_1"), "党员教育培训"),
		chromedp.SendKeys(chromedp.CSS("#weight_1"), "40"), chromedp.SendKeys(chromedp.CSS("#owner_1"), "组织委员"),
	}
	for y := 2026; y <= 2029; y++ {
		fill = append(fill, chromedp.SendKeys(chromedp.CSS(fmt.Sprintf("#target_%d_0", y)), fmt.Sprint(10*(y-2025))),
			chromedp.SendKeys(chromedp.CSS(fmt.Sprintf("#target_%d_1", y)), "每年4次"))
	}
	b.do("fill the plan", fill...)
	b.screenshot("draft.png")
	b.submitDone("#submit-draft", "已办理：提交方案")
	b.logout()

	// The consultee's opinion.
	b.login("rep")
	b.openTask("opinion")
	expectText(t, "the plan to comment on", b.body(), "壮大村集体经济", "党员教育培训")
	b.do("the opinion", chromedp.SendKeys(chromedp.CSS("#opinion-content"), "集体经济指标偏低，建议每年再增加 5 万元。"))
	b.submitDone("#opinion-submit", "已办理：提出意见")
	b.logout()

	// The holder adopts it: the consultation cannot end before the plan is revised, on the same page.
	b.login("holder2")
	b.openTask("answer")
	b.do("adopt", chromedp.SetValue(chromedp.CSS("#disposition-1"), string(termgoal.Adopted)))
	b.submit("#answer-submit-1")
	expectText(t, "revision needed", b.text("#revision-needed"), "请先在下方修改目标方案")
	expectText(t, "the opinion beside the plan", b.body(), "集体经济指标偏低", "待修改目标", "根据采纳的意见修改目标")
	b.submit("#complete-submit")
	expectText(t, "completing refused", b.text("#error"), "请先修改目标方案")
	for y := 2026; y <= 2029; y++ {
		b.do("raise the target", chromedp.Clear(chromedp.CSS(fmt.Sprintf("#target_%d_0", y))),
			chromedp.SendKeys(chromedp.CSS(fmt.Sprintf("#target_%d_0", y)), fmt.Sprint(10*(y-2025)+5)))
	}
	b.screenshot("revision.png")
	b.submitDone("#submit-draft", "已办理：提交修改后的目标")
	expectText(t, "the opinion taken in", b.body(), "已据此修改（第 2 版）")
	b.submitDone("#complete-submit", "已办理：结束征求意见")
	b.logout()

	// The consultee is told and sees what changed.
	b.login("rep")
	b.open("/notifications")
	expectText(t, "the consultee's notification", b.body(), "已采纳您的意见")
	b.open("/processes/" + process)
	b.submit("#revised-link-1")
	expectText(t, "the change marked", b.text("#plan-compare"), "第 1 版", "第 2 版", "15", "10")
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int]("document.querySelectorAll('#plan-diff .changed').length")); err != nil || n == 0 {
		t.Errorf("no change marked (%d, %v)", n, err)
	}
	b.screenshot("change_marked.png")
	b.logout()

	// The committee votes.
	b.login("mem2")
	b.openTask("vote")
	b.do("for", chromedp.Click(chromedp.CSS("#choice-for")))
	b.submitDone("#vote-submit", "已办理：表决")
	b.logout()

	// The superior sees the decision's context and transfers it to a superior found by name.
	b.login("sup")
	b.openTask("approve")
	expectText(t, "the decision's context", b.text("#decision-context"), "集体经济指标偏低", "采纳", "已据此修改（第 2 版）", "钱委员", "赞成")
	b.do("open transfer", chromedp.Click(chromedp.CSS("#op-transfer summary")))
	b.pick("#transfer-to", "周", "周处长（sup2）")
	b.submitDone("#transfer-submit", "已办理：转办")
	b.logout()
	b.login("sup2")
	b.openTask("approve")
	b.submitDone("#approve-submit", "已办理：同意")
	b.logout()

	// The notice lasts working days: the administrator moves the process on to the filing.
	b.endNotice(process, termgoal.StepFiling, "公示期满无异议")

	b.login("clerk")
	b.openTask("file")
	b.do("the document number", chromedp.SendKeys(chromedp.CSS("#doc-number"), "青组备〔2026〕7号"))
	b.submitDone("#file-submit", "已办理：备案")
	b.logout()

	b.login("holder2")
	b.openTask("pledge")
	b.do("sign", chromedp.Click(chromedp.CSS("#pledge-duty")), chromedp.Click(chromedp.CSS("#pledge-integrity")),
		chromedp.Click(chromedp.CSS("#pledge-resignation")))
	b.submitDone("#pledge-submit", "已办理：签署承诺")
	until(t, "the goals in force", func() bool {
		p, err := s.store.Process(ctx, process)
		return err == nil && p.Step == termgoal.StepInForce
	})
	b.open("/processes/" + process)
	expectText(t, "in force", b.body(), "第 2 版", "青组备〔2026〕7号", "壮大村集体经济")
	b.screenshot("in_force.png")
	if strings.Contains(b.body(), "第 3 版") {
		t.Error("a version the flow never made")
	}
}

func ptr[T any](v T) *T { return &v }
