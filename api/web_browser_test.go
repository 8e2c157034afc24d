package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.temporal.io/sdk/client"

	"termgoal"
	"termgoal/api"
	"termgoal/app"
	"termgoal/devenv"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
	"termgoal/worker"
	"termgoal/workflows"
)

// browserSys is the system under a browser test: PostgreSQL, a Temporal dev server, the worker
// and the HTTP server.
type browserSys struct {
	store    *postgres.Store
	srv      *httptest.Server
	ids      map[string]int64
	temporal client.Client
}

// chromiumPath finds Chromium; the Makefile's browser target installs it.
func chromiumPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Fatal("no Chromium: run `make browser` (apt-get install -y chromium fonts-noto-cjk)")
	return ""
}

// startBrowserSys starts Temporal (for this test only), the worker and the app on a new
// database.
func startBrowserSys(t *testing.T) *browserSys {
	t.Helper()
	s := newBrowserSys(t)
	s.setup(t)
	return s
}

// newBrowserSys is startBrowserSys without its orgs, accounts and template.
func newBrowserSys(t *testing.T) *browserSys {
	t.Helper()
	root, err := devenv.Root()
	if err != nil {
		t.Fatal(err)
	}
	hostPort, stop, err := devenv.TemporalForTests(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	s := &browserSys{store: postgrestest.New(t), ids: map[string]int64{}}
	c, err := client.Dial(client.Options{HostPort: hostPort, Logger: quietSDK{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	s.temporal = c
	w := worker.New(c, s.store)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	h, err := api.New(api.Config{Store: s.store, Temporal: c, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		TemporalUIURL: "http://127.0.0.1:8233", ActionTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(h)
	t.Cleanup(s.srv.Close)
	return s
}

// quietSDK silences the Temporal SDK's logs.
type quietSDK struct{}

func (quietSDK) Debug(string, ...any) {}
func (quietSDK) Info(string, ...any)  {}
func (quietSDK) Warn(string, ...any)  {}
func (quietSDK) Error(string, ...any) {}

// setup makes a county with a village and a department, a holder, a committee member, two
// superiors (of the county and of the department) and an administrator, a template and a
// term, and starts the term's goal setting.
func (s *browserSys) setup(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	county := &termgoal.Org{Name: "青山县", Type: termgoal.OrgAgency}
	must(s.store.CreateOrg(ctx, county))
	village := &termgoal.Org{Name: "青山村党支部", Type: termgoal.OrgVillage, ParentID: &county.ID}
	must(s.store.CreateOrg(ctx, village))
	// The second superior works in a sibling org: not an assignee of the village's approval.
	dept := &termgoal.Org{Name: "青山县委组织部", Type: termgoal.OrgAgency, ParentID: &county.ID}
	must(s.store.CreateOrg(ctx, dept))
	for _, u := range []struct {
		name, display string
		role          termgoal.Role
		org           int64
	}{
		{"holder", "王书记", termgoal.RoleHolder, village.ID},
		{"mem1", "赵委员", termgoal.RoleCommittee, village.ID},
		{"sup", "李部长", termgoal.RoleSuperior, county.ID},
		{"sup2", "周处长", termgoal.RoleSuperior, dept.ID},
		{"adm", "陈管理员", termgoal.RoleAdmin, county.ID},
	} {
		s.addAccount(t, u.name, u.display, u.role, u.org)
	}
	s.ids["county"] = county.ID
	tpl := &termgoal.Template{Name: "村党组织任期目标", NoticeDays: 5, DeadlineMonths: 2,
		Categories: []string{"中心工作", "党的建设"}}
	must(s.store.CreateTemplate(ctx, tpl))
	s.ids["term"] = s.startGoalSetting(t, village.ID, tpl.ID, "holder")
}

// addAccount makes an account signing in with "secret-"+name that holds role on org.
func (s *browserSys) addAccount(t *testing.T, name, display string, role termgoal.Role, org int64) {
	t.Helper()
	ctx := context.Background()
	hash, err := app.HashPassword("secret-" + name)
	if err == nil {
		acc := &termgoal.Account{Username: name, DisplayName: display}
		if err = s.store.CreateAccount(ctx, acc, hash); err == nil {
			err = s.store.AddGrant(ctx, acc.ID, termgoal.Grant{Role: role, OrgID: org})
			s.ids[name] = acc.ID
		}
	}
	if err != nil {
		t.Fatal(err)
	}
}

// startGoalSetting registers an org's term of org on template tpl from 15 October 2026, starts
// its goal setting and waits until the draft is in holder's inbox; it answers the term's ID.
func (s *browserSys) startGoalSetting(t *testing.T, org, tpl int64, holder string) int64 {
	t.Helper()
	ctx := context.Background()
	term := &termgoal.Term{OrgID: org, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
		Start: time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC), End: time.Date(2029, 10, 14, 0, 0, 0, 0, time.UTC), TemplateID: tpl}
	if err := s.store.CreateTerm(ctx, term); err != nil {
		t.Fatal(err)
	}
	id := workflows.GoalSettingID(term.ID)
	if err := s.store.SetTermProcess(ctx, term.ID, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue},
		workflows.GoalSettingWorkflowName, workflows.GoalSettingInput{TermID: term.ID, Initiator: termgoal.Actor{Name: "test"}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		tasks, _, err := s.store.Inbox(ctx, postgres.InboxFilter{AccountID: s.ids[holder], Today: time.Now(), Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(tasks, func(x termgoal.Task) bool { return x.ProcessID == id }) {
			return term.ID
		}
		if time.Now().After(deadline) {
			t.Fatal("the draft task never reached the inbox")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// browser drives one Chromium tab.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// A Chinese user's browser: the pages answer Accept-Language (zh-CN is also the default).
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return &browser{t: t, ctx: ctx, base: base}
}

// do runs actions and fails the test on an error.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v (page: %s)", what, err, b.location())
	}
}

// pick types typed into the picker field css and chooses want among the matches picker.js
// offers in the field's list, as a keyboard user would.
func (b *browser) pick(css, typed, want string) {
	b.t.Helper()
	b.do("type into "+css, chromedp.Clear(chromedp.CSS(css)), chromedp.SendKeys(chromedp.CSS(css), typed))
	offered := fmt.Sprintf(`Array.from(document.querySelector(%q).list.options).some(o => o.value === %q)`, css, want)
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](offered))
		if err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			opts, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(`Array.from(document.querySelector(%q).list.options).map(o => o.value).join(", ")`, css)))
			b.t.Fatalf("%s never offered %q after typing %q (offered: %s, %v)", css, want, typed, opts, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.do("choose "+want, chromedp.SetValue(chromedp.CSS(css), want))
}

func (b *browser) location() string {
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	return loc
}

// open loads path and waits for its body.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// text answers the text of the first element matching css, waiting up to 10 s for it.
func (b *browser) text(css string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		body, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("body")))
		b.t.Fatalf("text of %s: %v (page: %s)\n%s", css, err, b.location(), body)
	}
	return s
}

// body answers the text of the page.
func (b *browser) body() string { return b.text("body") }

// submit clicks css (a submit button) and waits until the browser shows the next page.
func (b *browser) submit(css string) {
	b.t.Helper()
	marker := fmt.Sprint(time.Now().UnixNano())
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[string]("window.__page = '"+marker+"'")); err != nil {
		b.t.Fatalf("mark page: %v", err)
	}
	b.do("click "+css, chromedp.Click(chromedp.CSS(css)))
	deadline := time.Now().Add(15 * time.Second)
	for {
		same, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("window.__page === '"+marker+"' || document.readyState !== 'complete'"))
		if err == nil && !same {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("clicking %s never left %s", css, b.location())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// screenshot saves the whole page as a PNG.
// screenshot keeps a picture of the whole page as a test artifact: name under
// $TERMGOAL_ARTIFACTS, else test-artifacts/screenshots at the project's root, prefixed with the
// test's name.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	dir := os.Getenv("TERMGOAL_ARTIFACTS")
	if dir == "" {
		root, err := devenv.Root()
		if err != nil {
			b.t.Fatal(err)
		}
		dir = filepath.Join(root, "test-artifacts", "screenshots")
	}
	file := filepath.Join(dir, b.t.Name()+"-"+name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", file)
}

func (b *browser) login(user string) {
	b.t.Helper()
	b.loginWith(user, "secret-"+user)
}

func (b *browser) loginWith(user, password string) {
	b.t.Helper()
	b.open("/login")
	b.do("fill login", chromedp.SendKeys(chromedp.CSS("#username"), user), chromedp.SendKeys(chromedp.CSS("#password"), password))
	b.submit("#login-submit")
}

func (b *browser) logout() {
	b.t.Helper()
	b.submit("form[action='/logout'] button")
}

// openTask opens the first task of kind in the inbox.
func (b *browser) openTask(kind string) {
	b.t.Helper()
	b.open("/inbox")
	b.submit("tr.task[data-kind='" + kind + "'] a")
}

// until polls cond for up to 10 s.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 10 s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// endNotice signs in the administrator, who moves process on from its public notice to step
// (a notice lasts working days), and signs out.
func (b *browser) endNotice(process string, step termgoal.Step, reason string) {
	b.t.Helper()
	b.login("adm")
	b.open("/processes/" + process)
	expectText(b.t, "on notice", b.text("#process-step"), "公示")
	b.do("move on", chromedp.Click(chromedp.CSS("#op-move_to_step summary")),
		chromedp.SetValue(chromedp.CSS("#move-step"), string(step)), chromedp.SendKeys(chromedp.CSS("#move-reason"), reason))
	b.submitDone("#move-submit", "已办理：跳转步骤")
	b.logout()
}

// submitDone submits the form's button css and expects the page's message to say done.
func (b *browser) submitDone(css, done string) {
	b.t.Helper()
	b.submit(css)
	expectText(b.t, css, b.text("#flash"), done)
}

func expectText(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Fatalf("%s: %q not in\n%s", what, w, got)
		}
	}
}

// TestWebGoalSettingInABrowser walks goal setting through the web pages in a real Chromium:
// the holder drafts the plan, a committee member votes, the superior transfers the approval to
// another superior, who adds the first one as a signer after them, the administrator extends
// the deadline from the process page, both approve, and the public files an objection on the
// notice page.
func TestWebGoalSettingInABrowser(t *testing.T) {
	s := startBrowserSys(t)
	b := newBrowser(t, s.srv.URL)
	process := workflows.GoalSettingID(s.ids["term"])

	// A private page sends an anonymous visitor to the sign-in page, in Chinese by default.
	b.open("/inbox")
	if loc := b.location(); !strings.Contains(loc, "/login") {
		t.Fatalf("anonymous /inbox went to %s", loc)
	}
	expectText(t, "login page", b.body(), "用户名", "密码", "登录")

	// A wrong password shows the form again with the translated error.
	b.do("fill login", chromedp.SendKeys(chromedp.CSS("#username"), "holder"), chromedp.SendKeys(chromedp.CSS("#password"), "wrong-password"))
	b.submit("#login-submit")
	expectText(t, "wrong password", b.text("#error"), "用户名或密码错误")

	// The holder's inbox lists the draft task.
	b.login("holder")
	expectText(t, "holder inbox", b.text("#tasks"), "起草目标", "青山村党支部", "起草")
	expectText(t, "inbox counts", b.text("#counts"), "待办 1 件")
	b.screenshot("inbox.png")

	// The plan editor: two items with a target for every year; weights that do not add up to
	// 100 are refused with the translated reason and the form keeps what was typed.
	b.openTask("draft")
	expectText(t, "task page", b.body(), "编辑目标方案", "2026 年", "2029 年")
	fill := []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(chromedp.CSS("#category_0"), "中心工作"),
		chromedp.SendKeys(chromedp.CSS("#title_0"), "发展村集体经济"),
		chromedp.Click(chromedp.CSS("#quantitative_0")),
		chromedp.SendKeys(chromedp.CSS("#unit_0"), "万元"),
		chromedp.SendKeys(chromedp.CSS("#weight_0"), "60"),
		chromedp.SendKeys(chromedp.CSS("#owner_0"), "书记"),
		chromedp.SendKeys(chromedp.CSS("#evidence_0"), "村账目"),
		chromedp.SetValue(chromedp.CSS("#category_1"), "党的建设"),
		chromedp.SendKeys(chromedp.CSS("#title_1"), "党员培训全覆盖"),
		chromedp.SendKeys(chromedp.CSS("#weight_1"), "30"),
		chromedp.SendKeys(chromedp.CSS("#owner_1"), "组织委员"),
	}
	for y := 2026; y <= 2029; y++ {
		fill = append(fill,
			chromedp.SendKeys(chromedp.CSS(fmt.Sprintf("#target_%d_0", y)), fmt.Sprint(10*(y-2025))),
			chromedp.SendKeys(chromedp.CSS(fmt.Sprintf("#target_%d_1", y)), "培训率100%"))
	}
	b.do("fill the plan", fill...)
	b.submit("#submit-draft")
	expectText(t, "weights refused", b.text("#error"), "权重合计为 90，应为 100")
	b.screenshot("task_refused.png")
	b.do("fix the weight", chromedp.Clear(chromedp.CSS("#weight_1")), chromedp.SendKeys(chromedp.CSS("#weight_1"), "40"))
	b.submit("#submit-draft")
	if loc := b.location(); !strings.HasSuffix(loc, "/inbox") {
		t.Fatalf("after the draft: %s, body %s", loc, b.body())
	}
	expectText(t, "flash", b.text("#flash"), "已办理：提交方案")
	if body := b.text("#tasks"); strings.Contains(body, "起草目标") {
		t.Fatalf("the draft task is still in the inbox: %s", body)
	}
	b.logout()

	// A committee member votes.
	b.login("mem1")
	b.openTask("vote")
	expectText(t, "vote page", b.body(), "发展村集体经济", "党员培训全覆盖")
	b.do("choose", chromedp.Click(chromedp.CSS("#choice-for")))
	b.submitDone("#vote-submit", "已办理：表决")
	b.logout()

	// The superior's task page offers the operations beside the approval form. A transfer to
	// an unknown username is refused with the translated reason, the form open again; then the
	// superior transfers the approval to the other superior, chosen with the picker.
	b.login("sup")
	b.openTask("approve")
	expectText(t, "operations", b.text("#ops"), "其他操作", "否决", "转办", "委派", "加签", "评论", "抄送")
	expectText(t, "return to", b.text("#approve-form"), "退回到", "起草", "集体研究")
	b.do("open transfer", chromedp.Click(chromedp.CSS("#op-transfer summary")))
	b.screenshot("task_ops.png")
	b.do("transfer to nobody", chromedp.SetValue(chromedp.CSS("#transfer-to"), "nobody"))
	b.submit("#transfer-submit")
	expectText(t, "unknown user", b.text("#error"), "没有用户名或姓名为“nobody”的账号")
	// The other superior is found by typing part of their name, not by an ID.
	b.pick("#transfer-to", "周处", "周处长（sup2）")
	b.do("the reason", chromedp.SendKeys(chromedp.CSS("#op-transfer input[name=reason]"), "出差"))
	b.submitDone("#transfer-submit", "已办理：转办")
	if body := b.text("#tasks"); strings.Contains(body, "审定") {
		t.Fatalf("the transferred task is still in the inbox: %s", body)
	}
	b.logout()

	// The other superior adds the first one as a signer after them, and stays on the task.
	b.login("sup2")
	b.openTask("approve")
	b.do("add a signer", chromedp.Click(chromedp.CSS("#op-add_signer summary")),
		chromedp.SetValue(chromedp.CSS("#add-signer-to"), "sup"))
	b.submitDone("#add-signer-submit", "已办理：加签")
	b.do("open remove", chromedp.Click(chromedp.CSS("#op-remove_signer summary")))
	expectText(t, "removable", b.text("#remove-signer-to"), "李部长", "后加签")
	b.screenshot("task_signer.png")
	b.logout()

	// The administrator sees the signers and extends the deadline from the process page.
	b.login("adm")
	b.open("/processes/" + process)
	expectText(t, "signers heading", b.body(), "本步骤签批人")
	expectText(t, "signers", b.text("#signers"), "周处长", "办理中", "李部长", "等待中", "周处长 后加签")
	expectText(t, "admin panel", b.text("#admin-panel"), "管理操作", "改派", "延期", "跳转步骤", "终止流程", "提醒")
	due := b.text("#process-step-due")
	b.do("extend", chromedp.Click(chromedp.CSS("#op-extend_deadline summary")),
		chromedp.SetValue(chromedp.CSS("#extend-days"), "3"), chromedp.SendKeys(chromedp.CSS("#extend-reason"), "需补充调研材料"))
	b.screenshot("process_admin.png")
	b.submitDone("#extend-submit", "已办理：延期")
	if after := b.text("#process-step-due"); after <= due {
		t.Errorf("the step was due on %s and after the extension on %s", due, after)
	}
	expectText(t, "extension audited", b.text("#timeline"), "延期", "陈管理员", "延长 3 个工作日", "需补充调研材料", "转办", "→ 周处长", "加签")
	b.open("/processes/" + process + "?lang=en")
	expectText(t, "english admin", b.body(), "Signers of this step", "Administration", "Extend the deadline", "Waiting")
	b.screenshot("process_en.png")
	b.open("/processes/" + process + "?lang=zh-CN")
	b.logout()

	// The superior approves, then the added signer; the plan goes into public notice.
	b.login("sup2")
	b.openTask("approve")
	b.submitDone("#approve-submit", "已办理：同意")
	b.logout()
	b.login("sup")
	b.openTask("approve")
	b.submitDone("#approve-submit", "已办理：同意")
	b.open("/processes/" + process)
	expectText(t, "process page", b.body(), "公示", "发展村集体经济", "第 1 版", "赞成 1", "提交目标方案", "审定通过", "王书记", "李部长", "周处长")
	if linked, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("document.querySelector('#temporal-link') !== null")); err != nil || linked {
		t.Errorf("the superior sees the Temporal UI link (%v)", err)
	}
	b.screenshot("process.png")
	b.logout()
	// The administrator of the county sees the link into the Temporal UI.
	b.login("adm")
	b.open("/processes/" + process)
	if href := b.attr("#temporal-link", "href"); !strings.HasSuffix(href, "/namespaces/default/workflows/"+process) {
		t.Errorf("temporal link %q", href)
	}
	if href := b.attr("#temporal-org-link", "href"); !strings.Contains(href, "/namespaces/default/workflows?query=TermgoalOrgs") {
		t.Errorf("the link to the org's processes in the Temporal UI %q", href)
	}
	b.logout()

	// The public notice needs no sign-in and takes an anonymous objection.
	b.open("/notices")
	b.submit("#notices a")
	expectText(t, "notice page", b.body(), "关于青山村党支部任期目标的公示", "发展村集体经济", "公示期", "您未登录，异议将匿名提出")
	b.screenshot("notice.png")
	b.do("objection", chromedp.SendKeys(chromedp.CSS("#objection-content"), "培训指标偏低"))
	b.submitDone("#objection-submit", "感谢您的反馈")
	expectText(t, "objection listed", b.text("ol.objections"), "匿名", "培训指标偏低")

	// English on request, remembered by a cookie.
	b.open("/notices?lang=en")
	expectText(t, "english", b.body(), "Public notices", "Notice: term goals of 青山村党支部")
	b.open("/login")
	expectText(t, "english login", b.body(), "Username", "Password")
}

// attr answers an attribute of the first element matching css.
func (b *browser) attr(css, name string) string {
	b.t.Helper()
	res, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(css), name))
	if err != nil {
		b.t.Fatalf("attribute %s of %s: %v", name, css, err)
	}
	return res.Value
}

// act applies an action to the term's process as user, straight through Temporal: the steps a
// test only needs to get past.
func (s *browserSys) act(t *testing.T, user, name, action string, in workflows.ActionInput) {
	t.Helper()
	s.actOn(t, workflows.GoalSettingID(s.ids["term"]), user, name, action, in)
}

// actOn applies an action to process id as user, straight through Temporal.
func (s *browserSys) actOn(t *testing.T, id, user, name, action string, in workflows.ActionInput) {
	t.Helper()
	in.SetActor(termgoal.Actor{AccountID: s.ids[user], Name: name})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: id, UpdateName: action, Args: []any{in},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	if err != nil {
		t.Fatalf("%s by %s: %v", action, user, err)
	}
}

// TestWebOperationsInABrowser drives the operations of the task and process pages (T3, A3):
// the superior delegates the approval and takes it back from the process page, delegates it
// again and the delegate answers; the superior comments and copies the process to the
// administrator; the administrator reminds, urges and reassigns the approval (a refused
// reassignment first); the new assignee rejects the plan and the process ends.
func TestWebOperationsInABrowser(t *testing.T) {
	s := startBrowserSys(t)
	process := workflows.GoalSettingID(s.ids["term"])
	targets := map[string]string{"2026": "10", "2027": "20", "2028": "30", "2029": "40"}
	s.act(t, "holder", "王书记", workflows.UpdateSubmitDraft, &workflows.SubmitDraftInput{Items: []termgoal.PlanItem{
		{Category: "中心工作", Title: "发展村集体经济", Weight: 100, Owner: "书记", Targets: targets}}})
	s.act(t, "mem1", "赵委员", workflows.UpdateVote, &workflows.VoteInput{Choice: termgoal.VoteFor})
	b := newBrowser(t, s.srv.URL)

	// Delegate, then take the task back from the process page.
	b.login("sup")
	b.openTask("approve")
	b.do("delegate", chromedp.Click(chromedp.CSS("#op-delegate summary")),
		chromedp.SetValue(chromedp.CSS("#delegate-to"), "sup2"),
		chromedp.SendKeys(chromedp.CSS("#op-delegate input[name=reason]"), "请核实指标"))
	b.submitDone("#delegate-submit", "已办理：委派")
	b.open("/processes/" + process)
	expectText(t, "delegated signers", b.text("#signers"), "李部长", "已委派", "周处长", "办理中", "受 李部长 委派")
	expectText(t, "recall offered", b.text("#op-recall_delegation"), "收回委派", "您已将本待办委派给 周处长")
	b.screenshot("process_delegated.png")
	b.submitDone("#recall-submit", "已办理：收回委派")
	if got := b.text("#signers"); !strings.Contains(got, "办理中") || strings.Contains(got, "周处长") {
		t.Errorf("after taking the task back, the signers are\n%s", got)
	}

	// Delegate again; the delegate answers and the task comes back.
	b.openTask("approve")
	b.do("delegate again", chromedp.Click(chromedp.CSS("#op-delegate summary")),
		chromedp.SetValue(chromedp.CSS("#delegate-to"), "sup2"))
	b.submit("#delegate-submit")
	b.logout()
	b.login("sup2")
	b.openTask("delegated")
	expectText(t, "delegated task", b.body(), "办理：委派答复", "李部长 请您研究本事项并答复", "答复内容")
	b.screenshot("task_delegated.png")
	b.do("answer", chromedp.SendKeys(chromedp.CSS("#delegation-answer"), "指标可行"))
	b.submitDone("#delegation-submit", "已办理：答复委派")
	b.logout()

	// The superior comments and copies the process to the administrator; both stay on the task.
	b.login("sup")
	b.openTask("approve")
	b.do("comment", chromedp.Click(chromedp.CSS("#op-comment summary")), chromedp.SendKeys(chromedp.CSS("#comment-text"), "请补充测算依据"))
	b.submitDone("#comment-submit", "已办理：评论")
	if loc := b.location(); !strings.Contains(loc, "/tasks/") {
		t.Fatalf("after the comment: %s", loc)
	}
	b.do("copy", chromedp.Click(chromedp.CSS("#op-copy_to summary")),
		chromedp.SendKeys(chromedp.CSS("#op-copy_to input[name=note]"), "请知悉"))
	b.pick("#copy-to-find", "陈管", "陈管理员（adm）")
	b.submitDone("#copy-submit", "已办理：抄送")
	if cc, _, err := s.store.Copies(context.Background(), postgres.InboxFilter{AccountID: s.ids["adm"], Box: termgoal.BoxCC, ProcessID: process}); err != nil || len(cc) != 1 {
		t.Fatalf("the administrator's copies after the copy found with the picker: %+v, %v", cc, err)
	}
	b.logout()

	// The administrator reminds, urges, and reassigns the approval; an unknown account is
	// refused on the page with the form open again.
	b.login("adm")
	b.open("/processes/" + process)
	b.do("remind", chromedp.Click(chromedp.CSS("#op-remind summary")), chromedp.SendKeys(chromedp.CSS("#op-remind input[name=reason]"), "即将到期"))
	b.submitDone("#remind-submit", "已办理：提醒")
	b.do("urge", chromedp.Click(chromedp.CSS("#op-urge summary")))
	b.submitDone("#urge-submit", "已办理：催办")
	b.do("reassign", chromedp.Click(chromedp.CSS("#op-reassign summary")),
		chromedp.SetValue(chromedp.CSS("#reassign-to"), "nobody"), chromedp.SendKeys(chromedp.CSS("#op-reassign input[name=reason]"), "李部长休假"))
	b.submit("#reassign-submit")
	expectText(t, "reassign refused", b.text("#error"), "没有用户名或姓名为“nobody”的账号")
	b.do("reassign again", chromedp.SetValue(chromedp.CSS("#reassign-to"), "sup2"))
	b.submitDone("#reassign-submit", "已办理：改派")
	expectText(t, "reassigned", b.text("#signers"), "周处长", "办理中")
	expectText(t, "audited", b.text("#timeline"), "评论", "请补充测算依据", "抄送", "请知悉", "管理员提醒", "即将到期", "催办", "改派", "→ 周处长", "李部长休假", "答复委派", "指标可行")
	b.screenshot("process_ops.png")
	b.logout()

	// The new assignee rejects the plan; the process ends and the panels are gone.
	b.login("sup2")
	b.openTask("approve")
	b.do("reject", chromedp.Click(chromedp.CSS("#op-reject summary")),
		chromedp.SendKeys(chromedp.CSS("#op-reject textarea[name=comment]"), "目标与实际脱节"),
		chromedp.Click(chromedp.CSS("#op-reject input[name=confirm]")))
	b.submitDone("#reject-submit", "已办理：否决")
	b.logout()
	b.login("adm")
	b.open("/processes/" + process)
	expectText(t, "rejected", b.text("#process-facts"), "已否决")
	if body := b.body(); strings.Contains(body, "其他操作") || strings.Contains(body, "管理操作") {
		t.Errorf("a rejected process still offers operations:\n%s", body)
	}
}

// TestWebNotificationsAndAttachmentsInABrowser: the holder is assigned the draft and then
// urged by the administrator; the notifications arrive (asynchronously) with the header's
// unread badge; following one marks it read and goes to the task; mark all read clears the
// badge. On the process page the holder uploads a text file (a file whose bytes disagree with
// its extension is refused first) and downloads it again with the session.
func TestWebNotificationsAndAttachmentsInABrowser(t *testing.T) {
	s := startBrowserSys(t)
	b := newBrowser(t, s.srv.URL)
	process := workflows.GoalSettingID(s.ids["term"])

	b.login("adm")
	b.open("/processes/" + process)
	b.do("urge", chromedp.Click(chromedp.CSS("#op-urge summary")), chromedp.SendKeys(chromedp.CSS("#op-urge input[name=reason]"), "请尽快起草"))
	b.submitDone("#urge-submit", "已办理：催办")
	b.logout()

	// Sending is an activity: poll the page until both notifications are there.
	b.login("holder")
	deadline := time.Now().Add(20 * time.Second)
	for {
		b.open("/notifications")
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int]("document.querySelectorAll('tr.notification.is-unread').length"))
		if err != nil {
			t.Fatal(err)
		}
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d unread notifications after 20 s:\n%s", n, b.body())
		}
		time.Sleep(300 * time.Millisecond)
	}
	expectText(t, "badge", b.text("#count-unread"), "2")
	expectText(t, "notifications", b.text("#notifications"), "新待办：青山村党支部·起草", "催办：青山村党支部·起草", "催办您的待办", "请尽快起草", "未读")
	b.screenshot("notifications.png")

	// Following the assignment marks it read and opens its page: the task, or the process
	// when the workflow did not name the task.
	b.submit("tr.notification[data-kind='assigned'] a.subject")
	if loc := b.location(); !strings.Contains(loc, "/tasks/") && !strings.HasSuffix(loc, "/processes/"+process) {
		t.Fatalf("the assignment opened %s", loc)
	}
	expectText(t, "badge after opening one", b.text("#count-unread"), "1")
	b.open("/notifications")
	if cls := b.attr("tr.notification[data-kind='assigned']", "class"); strings.Contains(cls, "is-unread") {
		t.Errorf("the opened notification is still unread: %q", cls)
	}
	b.submitDone("#mark-all-read", "已将 1 条通知标为已读")
	if n, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int]("document.querySelectorAll('#count-unread, tr.is-unread, #mark-all-read').length")); n != 0 {
		t.Errorf("after mark all read, %d unread marks remain:\n%s", n, b.body())
	}
	b.open("/notifications?lang=en")
	expectText(t, "english notifications", b.body(), "Notifications", "New task: 青山村党支部 · draft", "Read")
	b.open("/notifications?lang=zh-CN")

	// Attachments on the process page.
	dir := t.TempDir()
	fake, note := filepath.Join(dir, "方案.pdf"), filepath.Join(dir, "起草说明.txt")
	if err := os.WriteFile(fake, []byte("这不是 PDF"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(note, []byte("目标依据：村两委会议纪要"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.open("/processes/" + process)
	expectText(t, "no attachments", b.text("#attachments"), "附件", "暂无附件")
	b.do("choose a fake pdf", chromedp.SetUploadFiles(chromedp.CSS("#attachment-file"), []string{fake}))
	b.submit("#attachment-submit")
	expectText(t, "refused upload", b.text("#error"), "不允许上传“方案.pdf”")
	b.screenshot("attachment_refused.png")
	b.do("choose the note", chromedp.SetUploadFiles(chromedp.CSS("#attachment-file"), []string{note}))
	b.submitDone("#attachment-submit", "已上传附件“起草说明.txt”")
	expectText(t, "attachment listed", b.text("#attachment-list"), "起草说明.txt", "王书记", "起草")
	href := b.attr("#attachment-list tr.attachment a", "href")
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		"fetch("+fmt.Sprintf("%q", href)+").then(r => r.ok ? r.text() : 'HTTP ' + r.status)", chromedp.EvalAwaitPromise))
	if err != nil || got != "目标依据：村两委会议纪要" {
		t.Errorf("download %s with the session: %q %v", href, got, err)
	}
	expectText(t, "upload audited", b.text("#timeline"), "添加附件")
	b.screenshot("process_attachments.png")
}

// TestWebSettingUpInABrowser: the administrator corrects a template with the live sum of the
// rater groups' weights, saves it as version 2 and sees what changed, enters the unknown year
// 2029 of the calendar with its source, adds a post on an org's page, and checks then imports
// a CSV of people.
func TestWebSettingUpInABrowser(t *testing.T) {
	s := startBrowserSys(t)
	b := newBrowser(t, s.srv.URL)
	b.login("adm")

	b.open("/templates")
	b.submit("tr.template a")
	expectText(t, "the template page", b.body(), "村党组织任期目标", "第1版")
	weight := func(row, v string) {
		sel := chromedp.CSS("input[name='group_weight." + row + "']")
		b.do("weight "+row, chromedp.Clear(sel), chromedp.SendKeys(sel, v))
	}
	b.do("open the form", chromedp.Click(chromedp.CSS("#template-edit summary")))
	expectText(t, "the default group's sum", b.text("#group-sum"), "Σ 1 ✓")
	weight("0", "70")
	expectText(t, "a sum of 70", b.text("#group-sum"), "≠ 100")
	b.do("a second group", chromedp.SendKeys(chromedp.CSS("#template-groups tbody tr:nth-child(2) input[name='group_key']"), "self"))
	weight("1", "30")
	expectText(t, "a sum of 100", b.text("#group-sum"), "Σ 100 ✓")
	sel := chromedp.CSS("#template-notice-days")
	b.do("notice days", chromedp.Clear(sel), chromedp.SendKeys(sel, "7"))
	b.submit("#template-submit")
	expectText(t, "saved", b.body(), "已保存为第2版", "第1版至第2版的变更", "notice_days", "appraisal.groups.1.weight")

	b.open("/calendar?year=2029")
	expectText(t, "2029 unknown", b.text("#calendar-status"), "日历中没有2029年的数据")
	b.do("enter 2029", chromedp.SendKeys(chromedp.CSS("#calendar-source"), "国办发明电〔2028〕9号"),
		chromedp.SendKeys(chromedp.CSS("#calendar-text"), "2029-01-01 off 元旦\n2029-02-10 work 春节调休"))
	b.submit("#calendar-submit")
	expectText(t, "2029 entered", b.body(), "2029年日历已保存", "依据：国办发明电〔2028〕9号", "调休上班", "星期六")

	b.open("/orgs")
	b.submit("#org-tree li:first-child a")
	b.do("open the post form", chromedp.Click(chromedp.CSS("#add-post summary")))
	b.do("a post", chromedp.SendKeys(chromedp.CSS("#post-title"), "县委书记"))
	b.submit("#add-post-submit")
	expectText(t, "the post added", b.text("#org-posts"), "县委书记")

	file := filepath.Join(t.TempDir(), "人员.csv")
	if err := os.WriteFile(file, []byte("编码,姓名,性别,出生日期\nB1,钱八,男,1972-05-01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.open("/import")
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{file}))
	b.submit("#import-check")
	expectText(t, "checked", b.text("#import-result"), "人员", "1")
	b.do("choose the file again", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{file}))
	b.submit("#import-submit")
	expectText(t, "imported", b.body(), "人员.csv 已导入", "人员 1 人")
}
