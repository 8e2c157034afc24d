package activities_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"termgoal"
	"termgoal/activities"
	"termgoal/notify"
	"termgoal/notify/notifytest"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

// notifyFixture is a town with a village, two accounts with email (zh-CN and en) and one
// without, an SMTP server and a notifier that sends through it.
type notifyFixture struct {
	store          *postgres.Store
	acts           *activities.Activities
	env            *testsuite.TestActivityEnvironment
	smtp           *notifytest.Server
	town, village  termgoal.Org
	li, amy, quiet termgoal.Account
}

func newNotifyFixture(t *testing.T) *notifyFixture {
	t.Helper()
	s := postgrestest.New(t)
	f := &notifyFixture{store: s, smtp: notifytest.NewServer(t, notifytest.Options{Username: "bot", Password: "pw"})}
	mailer, err := notify.NewMailer(f.smtp.Config("termgoal <noreply@example.org>"))
	must(t, err)
	f.acts = &activities.Activities{Store: s, Notifier: notify.New(mailer, "http://app.example")}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(t.Output(), nil))))
	f.env = suite.NewTestActivityEnvironment()
	f.env.RegisterActivity(f.acts)

	f.town = termgoal.Org{Name: "Town", Type: termgoal.OrgAgency}
	must(t, s.CreateOrg(ctx, &f.town))
	f.village = termgoal.Org{ParentID: &f.town.ID, Name: "Village", Type: termgoal.OrgVillage}
	must(t, s.CreateOrg(ctx, &f.village))
	acc := func(name, lang, email string) termgoal.Account {
		a := termgoal.Account{Username: name, DisplayName: name, Lang: lang}
		must(t, s.CreateAccount(ctx, &a, "x"))
		if email != "" {
			must(t, s.SetAccountEmail(ctx, a.ID, email))
		}
		return a
	}
	f.li = acc("li", "zh-CN", "li@example.org")
	f.amy = acc("amy", "en", "amy@example.org")
	f.quiet = acc("quiet", "zh-CN", "")
	return f
}

// hook is a webhook receiver whose answer the test can change.
type hook struct {
	srv    *httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	bodies []string
}

func newHook(t *testing.T, status int) *hook {
	h := &hook{}
	h.status.Store(int32(status))
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, string(b))
		h.mu.Unlock()
		w.WriteHeader(int(h.status.Load()))
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) posts() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies...)
}

func (f *notifyFixture) webhook(t *testing.T, org termgoal.Org, kind, url string, enabled bool) postgres.Webhook {
	w := postgres.Webhook{OrgID: org.ID, Kind: kind, URL: url, Secret: "s", Enabled: enabled}
	must(t, f.store.CreateWebhook(ctx, &w))
	return w
}

func TestNotifyRecordsEveryChannelAndRetriesOnlyTheFailed(t *testing.T) {
	f := newNotifyFixture(t)
	good, bad, off := newHook(t, 204), newHook(t, 500), newHook(t, 204)
	goodHook := f.webhook(t, f.town, notify.KindGeneric, good.srv.URL, true) // on an ancestor: hears the village
	badHook := f.webhook(t, f.village, notify.KindGeneric, bad.srv.URL, true)
	f.webhook(t, f.village, notify.KindGeneric, off.srv.URL, false)

	in := activities.NotifyInput{ID: "goalsetting-term-1/assigned/approval/1", Recipients: []int64{f.li.ID, f.amy.ID, f.quiet.ID},
		Kind: notify.Assigned, ProcessID: "goalsetting-term-1", TaskID: "goalsetting-term-1-approval-1", OrgID: f.village.ID,
		Params: map[string]any{"holder": "青山村", "step": "approval", "due_on": "2026-03-10"}}
	_, err := f.env.ExecuteActivity(f.acts.Notify, in)
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != activities.ENOTIFY || app.NonRetryable() || !strings.Contains(err.Error(), fmt.Sprintf("webhook:%d", badHook.ID)) {
		t.Fatalf("Notify with a failing hook: %v", err)
	}

	// In-app: one row per recipient, with or without email.
	for _, a := range []termgoal.Account{f.li, f.amy, f.quiet} {
		n, err := f.store.UnreadCount(ctx, a.ID)
		must(t, err)
		if n != 1 {
			t.Errorf("%s: %d unread", a.Username, n)
		}
	}
	// Email in each recipient's language, with the task's link.
	mails := f.smtp.Mails()
	if len(mails) != 2 {
		t.Fatalf("%d mails", len(mails))
	}
	byTo := map[string]notifytest.Mail{}
	for _, m := range mails {
		byTo[m.To[0]] = m
	}
	if m := byTo["li@example.org"]; m.Subject != "新待办：青山村·上级审定" || !strings.Contains(m.Body, "http://app.example/tasks/goalsetting-term-1-approval-1") {
		t.Errorf("li's mail %+v", m)
	}
	if m := byTo["amy@example.org"]; m.Subject != "New task: 青山村 · approval" {
		t.Errorf("amy's mail %+v", m)
	}
	if len(good.posts()) != 1 || len(bad.posts()) != 1 || len(off.posts()) != 0 {
		t.Errorf("posts: good %d, bad %d, disabled %d", len(good.posts()), len(bad.posts()), len(off.posts()))
	}
	if !strings.Contains(good.posts()[0], `"id":"goalsetting-term-1/assigned/approval/1"`) {
		t.Errorf("generic body %s", good.posts()[0])
	}
	wantDeliveries(t, f.store, in.ID, map[string]string{
		in.ID + fmt.Sprintf("/%d email", f.li.ID):       "sent 1",
		in.ID + fmt.Sprintf("/%d email", f.amy.ID):      "sent 1",
		in.ID + fmt.Sprintf(" webhook:%d", goodHook.ID): "sent 1",
		in.ID + fmt.Sprintf(" webhook:%d", badHook.ID):  "failed 1",
	})

	// Temporal retries the activity: only the failed hook is tried again.
	_, err = f.env.ExecuteActivity(f.acts.Notify, in)
	if err == nil {
		t.Fatal("retry with the hook still failing: no error")
	}
	bad.status.Store(200)
	_, err = f.env.ExecuteActivity(f.acts.Notify, in)
	must(t, err)
	if len(f.smtp.Mails()) != 2 || len(good.posts()) != 1 || len(bad.posts()) != 3 {
		t.Errorf("after retries: %d mails, good %d posts, bad %d posts", len(f.smtp.Mails()), len(good.posts()), len(bad.posts()))
	}
	wantDeliveries(t, f.store, in.ID, map[string]string{
		in.ID + fmt.Sprintf("/%d email", f.li.ID):       "sent 1",
		in.ID + fmt.Sprintf("/%d email", f.amy.ID):      "sent 1",
		in.ID + fmt.Sprintf(" webhook:%d", goodHook.ID): "sent 1",
		in.ID + fmt.Sprintf(" webhook:%d", badHook.ID):  "sent 3",
	})
	if n, _ := f.store.UnreadCount(ctx, f.li.ID); n != 1 {
		t.Errorf("li has %d unread after retries", n)
	}
}

func TestNotifyEmailFailureIsRetried(t *testing.T) {
	f := newNotifyFixture(t)
	in := activities.NotifyInput{ID: "p/urged/1", Recipients: []int64{f.li.ID}, Kind: notify.Urged, ProcessID: "p",
		Params: map[string]any{"actor": "王", "step": "draft"}}
	f.smtp.FailNext(1)
	if _, err := f.env.ExecuteActivity(f.acts.Notify, in); err == nil {
		t.Fatal("SMTP said 451: no error")
	}
	_, err := f.env.ExecuteActivity(f.acts.Notify, in)
	must(t, err)
	if len(f.smtp.Mails()) != 1 {
		t.Errorf("%d mails", len(f.smtp.Mails()))
	}
	wantDeliveries(t, f.store, in.ID, map[string]string{in.ID + fmt.Sprintf("/%d email", f.li.ID): "sent 2"})

	// Without a mailer, notifications are in-app only and nothing fails.
	inApp := &activities.Activities{Store: f.store}
	f.env.RegisterActivity(inApp)
	in.ID = "p/urged/2"
	_, err = f.env.ExecuteActivity(inApp.Notify, in)
	must(t, err)
	if n, _ := f.store.UnreadCount(ctx, f.li.ID); n != 2 || len(f.smtp.Mails()) != 1 {
		t.Errorf("in-app only: %d unread, %d mails", n, len(f.smtp.Mails()))
	}
	_, err = f.env.ExecuteActivity(inApp.Notify, activities.NotifyInput{Recipients: []int64{f.li.ID}})
	wantDomainError(t, err, termgoal.EINVALID, "notify.input")
}

func wantDeliveries(t *testing.T, s *postgres.Store, prefix string, want map[string]string) {
	t.Helper()
	ds, err := s.Deliveries(ctx, prefix)
	must(t, err)
	got := map[string]string{}
	for _, d := range ds {
		got[d.NotificationID+" "+d.Channel] = fmt.Sprintf("%s %d", d.Status, d.Attempts)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("deliveries\n got %v\nwant %v", got, want)
	}
}

func TestDigest(t *testing.T) {
	f := newNotifyFixture(t)
	tpl := termgoal.Template{Name: "t", NoticeDays: 5, DeadlineMonths: 2}
	must(t, f.store.CreateTemplate(ctx, &tpl))
	term := termgoal.Term{OrgID: f.village.ID, HolderKind: termgoal.HolderOrg, Appointment: termgoal.Elected,
		Start: day("2026-01-01"), End: day("2028-12-31"), TemplateID: tpl.ID}
	must(t, f.store.CreateTerm(ctx, &term))
	db := f.store.DB()
	_, err := db.ExecContext(ctx, `INSERT INTO processes (id, kind, term_id, org_id, step, status, deadline_on, started_at, updated_at)
		VALUES ('p', 'goal_setting', $1, $2, 'draft', 'running', '2026-03-31', now(), now())`, term.ID, f.village.ID)
	must(t, err)
	task := func(id string, account int64, status, due string) {
		_, err := db.ExecContext(ctx, `INSERT INTO tasks (id, process_id, term_id, org_id, step, kind, account_id, status, due_on, created_at)
			VALUES ($1, 'p', $2, $3, 'draft', 'draft', $4, $5, $6, now())`, id, term.ID, f.village.ID, account, status, due)
		must(t, err)
	}
	// Monday 2 March 2026: three working days ahead is Thursday 5 March.
	task("t1", f.li.ID, "open", "2026-02-27")  // overdue
	task("t2", f.li.ID, "open", "2026-03-05")  // due within three working days
	task("t3", f.li.ID, "open", "2026-03-06")  // later
	task("t4", f.amy.ID, "open", "2026-03-10") // later: no digest
	task("t5", f.amy.ID, "done", "2026-02-20") // done: not counted
	task("t6", f.quiet.ID, "open", "2026-03-02")
	task("t7", f.amy.ID, "open", "2026-02-27") // overdue, but amy takes no digest
	// amy turned the digest off; li takes no email for each notification, the digest still.
	must(t, f.store.SetPreferences(ctx, f.amy.ID, postgres.Preferences{Email: "amy@example.org", EmailEach: true}))
	must(t, f.store.SetPreferences(ctx, f.li.ID, postgres.Preferences{Email: "li@example.org", DailyDigest: true}))

	for range 2 { // a second run the same day sends nothing again
		val, err := f.env.ExecuteActivity(f.acts.Digest, activities.DigestInput{Day: day("2026-03-02")})
		must(t, err)
		var n int
		must(t, val.Get(&n))
		if n != 2 {
			t.Errorf("digest covered %d accounts", n)
		}
	}
	items, total, err := f.store.Notifications(ctx, f.li.ID, false, 10, 0)
	must(t, err)
	if total != 1 || items[0].ID != fmt.Sprintf("digest/2026-03-02/%d/%d", f.li.ID, f.li.ID) || items[0].Kind != notify.Digest ||
		items[0].Params["due"] != float64(2) || items[0].Params["overdue"] != float64(1) {
		t.Errorf("li's notifications %+v", items)
	}
	if _, total, _ := f.store.Notifications(ctx, f.amy.ID, false, 10, 0); total != 0 {
		t.Errorf("amy got %d digests", total)
	}
	mails := f.smtp.Mails()
	if len(mails) != 1 || mails[0].To[0] != "li@example.org" || mails[0].Subject != "每日待办摘要（2026-03-02）" ||
		!strings.Contains(mails[0].Body, "您有 2 项待办") || !strings.Contains(mails[0].Body, "http://app.example/inbox") {
		t.Errorf("mails %+v", mails)
	}
}

// Every event goes out through the test SMTP server, in each recipient's language, and to a
// generic webhook, with its own subject and no placeholder left (issue 26).
func TestEveryEventReachesEveryChannel(t *testing.T) {
	f := newNotifyFixture(t)
	h := newHook(t, 204)
	f.webhook(t, f.town, notify.KindGeneric, h.srv.URL, true)
	params := map[string]any{"holder": "青山村", "step": "notice", "due_on": "2026-03-10", "actor": "李部长", "reason": "理由",
		"action": "upheld", "grade": "completed", "doc_number": "青组备〔2026〕7号", "version": 2, "assignee": "王书记",
		"date": "2026-03-02", "due": 2, "overdue": 1}
	for i, kind := range notify.Events {
		in := activities.NotifyInput{ID: fmt.Sprintf("p/n/%d", i), Recipients: []int64{f.li.ID, f.amy.ID}, Kind: kind,
			ProcessID: "p", OrgID: f.village.ID, Params: params}
		if _, err := f.env.ExecuteActivity(f.acts.Notify, in); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
	mails := f.smtp.Mails()
	if len(mails) != 2*len(notify.Events) || len(h.posts()) != len(notify.Events) {
		t.Fatalf("%d mails and %d posts for %d events", len(mails), len(h.posts()), len(notify.Events))
	}
	subjects := map[string]bool{}
	for _, m := range mails {
		if subjects[m.Subject] || strings.ContainsAny(m.Subject+m.Body, "{}") || m.Subject == "" || strings.HasPrefix(m.Subject, "termgoal") {
			t.Errorf("mail to %v: %q\n%s", m.To, m.Subject, m.Body)
		}
		subjects[m.Subject] = true
	}
	for _, want := range []string{"考核结果公示：青山村", "Result on notice: 青山村", "目标已备案：青山村", "Plan filed: 青山村", "收到征求意见：青山村", "Appeal answered: 青山村"} {
		if !subjects[want] {
			t.Errorf("no mail %q", want)
		}
	}
	for i, p := range h.posts() {
		if !strings.Contains(p, fmt.Sprintf(`"kind":"%s"`, notify.Events[i])) {
			t.Errorf("post %d: %s", i, p)
		}
	}
}

// A person who takes no email for each notification finds it in-app only; the others get
// their email as before (T6: the choice of channels is each person's).
func TestNotifyHonoursEachPersonsChannels(t *testing.T) {
	f := newNotifyFixture(t)
	mine, down := newHook(t, 200), newHook(t, 502)
	must(t, f.store.SetPreferences(ctx, f.li.ID, postgres.Preferences{Email: "li@example.org", DailyDigest: true,
		Robot: postgres.Robot{Kind: notify.KindGeneric, URL: down.srv.URL}}))
	must(t, f.store.SetPreferences(ctx, f.amy.ID, postgres.Preferences{Email: "amy@example.org", EmailEach: true,
		Robot: postgres.Robot{Kind: notify.KindGeneric, URL: mine.srv.URL, Secret: "amy's"}}))
	in := activities.NotifyInput{ID: "p/assigned/1", Recipients: []int64{f.li.ID, f.amy.ID},
		Kind: notify.Assigned, ProcessID: "p", TaskID: "p-1", Params: map[string]any{"step": "draft", "due_on": "2026-03-05"}}
	_, err := f.env.ExecuteActivity(f.acts.Notify, in)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("robot of account %d", f.li.ID)) {
		t.Errorf("li's robot is down, yet Notify answered %v", err)
	}
	mails := f.smtp.Mails()
	if len(mails) != 1 || mails[0].To[0] != "amy@example.org" {
		t.Errorf("mails %+v, want amy's only", mails)
	}
	// amy's robot has her notification in her language, once, under her notification's ID.
	_, err = f.env.ExecuteActivity(f.acts.Notify, in) // the retry
	posts := mine.posts()
	want := notify.Compose("en", notify.Assigned, in.Params, "")
	if len(posts) != 1 || !strings.Contains(posts[0], fmt.Sprintf(`"id":"p/assigned/1/%d"`, f.amy.ID)) || !strings.Contains(posts[0], want.Subject) {
		t.Errorf("amy's robot got %v, want %q once", posts, want.Subject)
	}
	if len(down.posts()) != 2 || err == nil {
		t.Errorf("li's robot was tried %d times (%v)", len(down.posts()), err)
	}
	ds, err := f.store.Deliveries(ctx, fmt.Sprintf("p/assigned/1/%d", f.li.ID))
	must(t, err)
	if len(ds) != 1 || ds[0].Channel != "robot" || ds[0].Status != postgres.DeliveryFailed || ds[0].Attempts != 2 {
		t.Errorf("li's robot deliveries %+v", ds)
	}
	for _, acc := range []termgoal.Account{f.li, f.amy} {
		if _, n, err := f.store.Notifications(ctx, acc.ID, false, 10, 0); err != nil || n != 1 {
			t.Errorf("%s: %d in-app notifications (%v)", acc.Username, n, err)
		}
	}
}
