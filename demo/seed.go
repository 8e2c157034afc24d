// Package demo loads the demo data `make run` starts with: an organization tree, accounts for
// every role and processes standing at different steps.
package demo

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/app"
	"termgoal/postgres"
	"termgoal/workflows"
)

// Password signs in every demo account.
const Password = "demo12345"

// User is a demo account: its sign-in, its name and what it does.
type User struct {
	Username, Name, Role string
	role                 termgoal.Role
	org                  string // key into the org map
}

// Users are the demo accounts, one or more for every role.
var Users = []User{
	{"admin", "组织部管理员", "administrator (whole tree)", termgoal.RoleAdmin, "city"},
	{"li", "李部长", "superior (county)", termgoal.RoleSuperior, "county"},
	{"zhou", "周备案员", "filing clerk (county)", termgoal.RoleFilingClerk, "county"},
	{"expert", "陈教授", "expert (county)", termgoal.RoleExpert, "county"},
	{"member1", "钱委员", "committee member (town)", termgoal.RoleCommittee, "town"},
	{"member2", "吴委员", "committee member (town)", termgoal.RoleCommittee, "town"},
	{"member3", "郑委员", "committee member (town)", termgoal.RoleCommittee, "town"},
	{"rep1", "冯代表", "consultee (town)", termgoal.RoleConsultee, "town"},
	{"rep2", "陈代表", "consultee (town)", termgoal.RoleConsultee, "town"},
	{"wang", "王书记", "holder: 青山村", termgoal.RoleHolder, "qingshan"},
	{"zhao", "赵书记", "holder: 城东社区", termgoal.RoleHolder, "chengdong"},
	{"sun", "孙书记", "holder: 桃源村", termgoal.RoleHolder, "taoyuan"},
	{"liu", "刘书记", "holder: 白河村", termgoal.RoleHolder, "baihe"},
	{"han", "韩组员", "appraisal group member (county)", termgoal.RoleAppraiser, "county"},
	{"he", "何主任", "appeal reviewer (county)", termgoal.RoleReviewer, "county"},
	{"xu", "徐经理", "holder: 青山农业 (a salesperson)", termgoal.RoleHolder, "company"},
}

// Seed loads a demo organization tree, accounts for every role, a goal template and three
// terms whose goal setting stands at different steps. It does nothing when any org exists, so
// a second `make run` keeps what the first one made.
func Seed(ctx context.Context, s *postgres.Store, c client.Client) (bool, error) {
	if orgs, err := s.Orgs(ctx, "/"); err != nil || len(orgs) > 0 {
		return false, err
	}
	orgs := map[string]*termgoal.Org{}
	for _, o := range []struct {
		key, parent, name string
		typ               termgoal.OrgType
	}{
		{"city", "", "江南市委组织部", termgoal.OrgAgency},
		{"county", "city", "青山县", termgoal.OrgAgency},
		{"town", "county", "青山镇", termgoal.OrgOther},
		{"qingshan", "town", "青山村党支部", termgoal.OrgVillage},
		{"chengdong", "town", "城东社区党委", termgoal.OrgVillage},
		{"taoyuan", "town", "桃源村党支部", termgoal.OrgVillage},
		{"baihe", "town", "白河村党支部", termgoal.OrgVillage},
		{"company", "county", "青山农业发展有限公司", termgoal.OrgEnterprise},
	} {
		org := &termgoal.Org{Name: o.name, Type: o.typ}
		if p := orgs[o.parent]; p != nil {
			org.ParentID = &p.ID
		}
		if err := s.CreateOrg(ctx, org); err != nil {
			return false, err
		}
		orgs[o.key] = org
	}
	hash, err := app.HashPassword(Password)
	if err != nil {
		return false, err
	}
	actors := map[string]termgoal.Actor{}
	for _, u := range Users {
		acc := &termgoal.Account{Username: u.Username, DisplayName: u.Name, Lang: "zh-CN"}
		if err := s.CreateAccount(ctx, acc, hash); err != nil {
			return false, err
		}
		if err := s.AddGrant(ctx, acc.ID, termgoal.Grant{Role: u.role, OrgID: orgs[u.org].ID}); err != nil {
			return false, err
		}
		actors[u.Username] = termgoal.Actor{AccountID: acc.ID, Name: u.Name}
	}
	tpl := &termgoal.Template{
		Name: "村（社区）党组织任期目标", OrgType: termgoal.OrgVillage, Consultation: true,
		StepDays:   map[termgoal.Step]int{termgoal.StepConsultation: 5, termgoal.StepCommittee: 3, termgoal.StepApproval: 5, termgoal.StepFiling: 3, termgoal.StepPledge: 3},
		NoticeDays: 5, DeadlineMonths: 2,
		Categories: []string{"中心工作", "党的建设", "精神文明和民主建设", "群团组织建设"},
		Appraisal:  demoAppraisal(),
	}
	if err := s.CreateTemplate(ctx, tpl); err != nil {
		return false, err
	}
	start := time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)
	admin := actors["admin"]
	for _, key := range []string{"qingshan", "chengdong", "taoyuan"} {
		term := &termgoal.Term{OrgID: orgs[key].ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
			Start: start, End: start.AddDate(5, 0, -1), TemplateID: tpl.ID}
		if err := s.CreateTerm(ctx, term); err != nil {
			return false, err
		}
		id := workflows.GoalSettingID(term.ID)
		if _, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue},
			workflows.GoalSettingWorkflowName, workflows.GoalSettingInput{TermID: term.ID, Initiator: admin}); err != nil {
			return false, err
		}
		if err := s.SetTermProcess(ctx, term.ID, id); err != nil {
			return false, err
		}
		if key == "qingshan" {
			continue
		}
		holder := actors[map[string]string{"chengdong": "zhao", "taoyuan": "sun"}[key]]
		steps := []demoStep{
			{workflows.UpdateSubmitDraft, &workflows.SubmitDraftInput{Acting: workflows.Acting{Actor: holder}, Items: demoItems(term.Years()), Note: "初稿"}},
			{workflows.UpdateGiveOpinion, &workflows.GiveOpinionInput{Acting: workflows.Acting{Actor: actors["rep1"]}, Content: "建议增加村集体经济收入的年度指标。"}},
			{workflows.UpdateGiveOpinion, &workflows.GiveOpinionInput{Acting: workflows.Acting{Actor: actors["rep2"]}, Content: "党员教育培训目标可以更具体。"}},
			{workflows.UpdateAnswerOpinion, &workflows.AnswerOpinionInput{Acting: workflows.Acting{Actor: holder}, Seq: 1, Disposition: termgoal.Adopted}},
			{workflows.UpdateAnswerOpinion, &workflows.AnswerOpinionInput{Acting: workflows.Acting{Actor: holder}, Seq: 2, Disposition: termgoal.PartlyAdopted, Reason: "已细化到每季度一次。"}},
			// Both opinions were taken in: the plan is revised before the consultation ends.
			{workflows.UpdateRevisePlan, &workflows.RevisePlanInput{Acting: workflows.Acting{Actor: holder}, Items: demoRevised(term.Years()), Note: "根据征求意见修改：增加集体经济收入年度指标，党员培训细化到每季度。"}},
			{workflows.UpdateCompleteConsultation, &workflows.CompleteConsultationInput{Acting: workflows.Acting{Actor: holder}}},
		}
		if key == "taoyuan" {
			steps = append(steps,
				demoStep{workflows.UpdateVote, &workflows.VoteInput{Acting: workflows.Acting{Actor: actors["member1"]}, Choice: termgoal.VoteFor}},
				demoStep{workflows.UpdateVote, &workflows.VoteInput{Acting: workflows.Acting{Actor: actors["member2"]}, Choice: termgoal.VoteFor}},
				demoStep{workflows.UpdateVote, &workflows.VoteInput{Acting: workflows.Acting{Actor: actors["member3"]}, Choice: termgoal.VoteAbstain}},
				demoStep{workflows.UpdateApprove, &workflows.DecisionInput{Acting: workflows.Acting{Actor: actors["li"]}, Comment: "同意。"}},
			)
		}
		for i, st := range steps {
			h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
				WorkflowID: id, UpdateID: fmt.Sprintf("seed-%d", i), UpdateName: st.name,
				Args: []any{st.input}, WaitForStage: client.WorkflowUpdateStageCompleted,
			})
			if err == nil {
				err = h.Get(ctx, nil)
			}
			if err != nil {
				return false, fmt.Errorf("%s %s: %w", id, st.name, err)
			}
		}
	}
	baihe, err := seedPlanInForce(ctx, s, orgs["baihe"], tpl.ID, start, start.AddDate(5, 0, -1), admin, demoItems)
	if err != nil {
		return false, err
	}
	if err := seedAppraisal(ctx, s, c, workflows.AppraisalID(baihe.ID, 2026), workflows.AppraisalInput{TermID: baihe.ID, Kind: termgoal.AppraisalAnnual, Year: 2026, Initiator: admin}); err != nil {
		return false, err
	}
	return true, seedSales(ctx, s, c, orgs["company"], admin)
}

// seedSales gives 青山农业 a salesperson on a monthly cycle with sales rules, whose November
// 2026 appraisal waits for the self-assessment.
func seedSales(ctx context.Context, s *postgres.Store, c client.Client, org *termgoal.Org, admin termgoal.Actor) error {
	cfg := termgoal.DefaultAppraisal()
	cfg.Scale, cfg.Sales, cfg.Cycle = termgoal.CompanyScale, true, termgoal.CycleMonthly
	tpl := &termgoal.Template{Name: "企业销售人员（月度考核）", OrgType: termgoal.OrgEnterprise, NoticeDays: 3, DeadlineMonths: 1,
		Categories: []string{"销售业绩", "客户服务"}, Appraisal: &cfg}
	if err := s.CreateTemplate(ctx, tpl); err != nil {
		return err
	}
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	term, err := seedPlanInForce(ctx, s, org, tpl.ID, start, time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC), admin, func(years []int) []termgoal.PlanItem {
		sales, service := map[string]string{}, map[string]string{}
		for _, y := range years {
			sales[fmt.Sprint(y)], service[fmt.Sprint(y)] = "120", "客户满意度 95%"
		}
		return []termgoal.PlanItem{
			{Category: "销售业绩", Title: "年度销售额", Quantitative: true, Unit: "万元", Targets: sales, Weight: 70, Owner: "销售部", Evidence: "销售台账"},
			{Category: "客户服务", Title: "客户回访与满意度", Targets: service, Weight: 30, Owner: "销售部", Evidence: "回访记录"},
		}
	})
	if err != nil {
		return err
	}
	from, to, err := termgoal.ParsePeriod(termgoal.AppraisalMonthly, "2026-11")
	if err != nil {
		return err
	}
	return seedAppraisal(ctx, s, c, workflows.AppraisalPeriodID(term.ID, "2026-11"), workflows.AppraisalInput{TermID: term.ID,
		Kind: termgoal.AppraisalMonthly, Year: 2026, From: from, To: to, Initiator: admin})
}

// demoAppraisal scores with the superiors (50%), the appraisal group (30%) and anonymous
// ballots of the villagers (20%), with two veto items and a 20% quota on 完成.
func demoAppraisal() *termgoal.AppraisalConfig {
	cfg := termgoal.DefaultAppraisal()
	cfg.Groups = []termgoal.RaterConfig{
		{Key: termgoal.RaterSuperior, Weight: 50, Role: termgoal.RoleSuperior},
		{Key: "appraisal_group", Weight: 30, Role: termgoal.RoleAppraiser},
		{Key: termgoal.RaterPublic, Weight: 20, Ballots: true},
	}
	cfg.VetoItems = []string{"重大安全事故", "违反廉政纪律"}
	cfg.TopQuota = 0.2
	return &cfg
}

// seedPlanInForce registers a term of org from start to end with a plan in force (as if its
// goal setting had finished) of the items items makes for the term's years.
func seedPlanInForce(ctx context.Context, s *postgres.Store, org *termgoal.Org, tplID int64, start, end time.Time, admin termgoal.Actor,
	items func(years []int) []termgoal.PlanItem) (*termgoal.Term, error) {
	term := &termgoal.Term{OrgID: org.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected, Start: start, End: end, TemplateID: tplID}
	if err := s.CreateTerm(ctx, term); err != nil {
		return nil, err
	}
	at := start.AddDate(0, 1, 0)
	gs := workflows.GoalSettingID(term.ID)
	err := s.Apply(ctx, termgoal.Change{
		ID: fmt.Sprint("seed-plan-", term.ID), At: at, Actor: &admin, Action: "plan_seeded",
		Process: termgoal.Process{ID: gs, Kind: workflows.KindGoalSetting, TermID: term.ID, OrgID: org.ID,
			Step: termgoal.StepInForce, Status: "completed", Version: 1, DeadlineOn: at, StartedAt: at},
		PlanVersion: &termgoal.PlanVersion{TermID: term.ID, Version: 1, Items: items(term.Years()), Step: termgoal.StepPledge, Status: "in_force", Note: "演示数据"},
		InForce:     true,
	})
	if err != nil {
		return nil, err
	}
	return term, s.SetTermProcess(ctx, term.ID, gs)
}

// seedAppraisal starts appraisal id and waits (up to 20 s) until its workflow has written it
// to the read model, where it waits for the holder's self-assessment.
func seedAppraisal(ctx context.Context, s *postgres.Store, c client.Client, id string, in workflows.AppraisalInput) error {
	if _, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue}, workflows.AppraisalWorkflowName, in); err != nil {
		return err
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if _, err := s.Process(ctx, id); err == nil {
			return nil
		}
	}
	return fmt.Errorf("the demo appraisal %s did not start", id)
}

// demoRevised is demoItems after the two opinions: a higher income target each year, and the
// training counted by quarter.
func demoRevised(years []int) []termgoal.PlanItem {
	items := demoItems(years)
	for i, y := range years {
		items[0].Targets[fmt.Sprint(y)] = fmt.Sprint(25 + 2*i)
		items[1].Targets[fmt.Sprint(y)] = "每季度1次"
	}
	items[1].Quantitative, items[1].Unit = false, ""
	return items
}

type demoStep struct {
	name  string
	input any
}

func demoItems(years []int) []termgoal.PlanItem {
	targets := func(format string, base int) map[string]string {
		m := map[string]string{}
		for i, y := range years {
			m[fmt.Sprint(y)] = fmt.Sprintf(format, base+i)
		}
		return m
	}
	return []termgoal.PlanItem{
		{Category: "中心工作", Title: "壮大村集体经济", Quantitative: true, Unit: "万元", Targets: targets("%d", 20), Weight: 40, Owner: "书记", Evidence: "财务报表"},
		{Category: "党的建设", Title: "发展党员、教育培训", Quantitative: true, Unit: "次", Targets: targets("%d", 4), Weight: 30, Owner: "组织委员", Evidence: "会议记录"},
		{Category: "精神文明和民主建设", Title: "村务公开与民主议事", Targets: targets("每季度公开%d次", 1), Weight: 20, Owner: "纪检委员", Evidence: "公开栏照片"},
		{Category: "群团组织建设", Title: "工青妇组织活动", Targets: targets("开展活动%d次", 2), Weight: 10, Owner: "宣传委员", Evidence: "活动记录"},
	}
}

// Banner is what `make run` prints once everything runs: where to go, where the logs are,
// and each demo account with the tasks it holds now (the demo's state moves as people act
// and as deadlines pass, so the hints are read from the data, not written down).
func Banner(ctx context.Context, s *postgres.Store, addr, temporalUI, metricsAddr, logPath string, seeded bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\ntermgoal is running. Ctrl-C stops everything; the data stays in .data/.\n\n")
	fmt.Fprintf(&b, "  app:          http://%s/\n", addr)
	fmt.Fprintf(&b, "  API document: http://%s/api/v1/openapi.json\n", addr)
	fmt.Fprintf(&b, "  Temporal UI:  %s\n", temporalUI)
	fmt.Fprintf(&b, "  metrics:      http://%s/metrics\n", metricsAddr)
	fmt.Fprintf(&b, "  logs:         %s (errors also here)\n\n", logPath)
	if seeded {
		fmt.Fprintf(&b, "  demo data loaded.\n")
	}
	fmt.Fprintf(&b, "  demo sign-ins (password %s):\n", Password)
	for _, u := range Users {
		fmt.Fprintf(&b, "    %-8s %s%s\n", u.Username, u.Role, toDo(ctx, s, u.Username))
	}
	return b.String()
}

// toDo says what the account has to do now: its open tasks' kinds and where.
func toDo(ctx context.Context, s *postgres.Store, username string) string {
	acc, _, err := s.AccountByUsername(ctx, username)
	if err != nil {
		return ""
	}
	tasks, n, err := s.Inbox(ctx, postgres.InboxFilter{AccountID: acc.ID, Today: time.Now(), Limit: 3})
	if err != nil || n == 0 {
		return ""
	}
	parts := make([]string, len(tasks))
	for i, t := range tasks {
		parts[i] = t.Kind + " · " + cmp.Or(t.HolderName, t.OrgName)
	}
	more := ""
	if n > len(tasks) {
		more = fmt.Sprintf(" and %d more", n-len(tasks))
	}
	return fmt.Sprintf(" — to do: %s%s", strings.Join(parts, "; "), more)
}
