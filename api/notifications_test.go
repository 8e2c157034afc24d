package api

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"termgoal"
	"termgoal/app"
	"termgoal/postgres"
)

func TestNotificationsAPI(t *testing.T) {
	f := newFixture(t)
	holder := f.accounts["holderA1"]
	base := time.Now().Add(-time.Hour)
	var ns []postgres.Notification
	for i, kind := range []string{"assigned", "returned", "digest"} {
		ns = append(ns, postgres.Notification{ID: fmt.Sprintf("n%d/%d", i, holder.ID), AccountID: holder.ID, Kind: kind,
			ProcessID: "p1", TaskID: "t1", CreatedAt: base.Add(time.Duration(i) * time.Minute),
			Params: map[string]any{"holder": "青山村", "step": "approval", "due_on": "2026-03-10", "date": "2026-03-02", "due": 2, "overdue": 1}})
	}
	ns = append(ns, postgres.Notification{ID: "other", AccountID: f.accounts["adminA"].ID, Kind: "assigned"})
	if err := f.store.CreateNotifications(context.Background(), ns); err != nil {
		t.Fatal(err)
	}

	var count UnreadCount
	f.do("GET", "/api/v1/notifications/count", f.a1Tok, nil, 200, &count)
	if count.Unread != 3 {
		t.Errorf("count %+v", count)
	}
	var page List[app.NotificationView]
	f.do("GET", "/api/v1/notifications?limit=2", f.a1Tok, nil, 200, &page)
	if page.Total != 3 || len(page.Items) != 2 || page.Items[0].Kind != "digest" || page.Items[0].Link != "/inbox" ||
		page.Items[0].Subject != "每日待办摘要（2026-03-02）" || page.Items[1].Link != "/processes/p1" {
		t.Errorf("page %+v", page)
	}
	f.do("GET", "/api/v1/notifications?offset=2&lang=en", f.a1Tok, nil, 200, &page)
	if len(page.Items) != 1 || page.Items[0].Subject != "New task: 青山村 · approval" || page.Items[0].Link != "/tasks/t1" {
		t.Errorf("en page %+v", page)
	}
	f.errCode("GET", "/api/v1/notifications?unread=maybe", f.a1Tok, nil, 422)
	f.errCode("GET", "/api/v1/notifications", "", nil, 401)

	var res MarkReadResult
	f.do("POST", "/api/v1/notifications/read", f.a1Tok, markReadRequest{IDs: []string{ns[0].ID, "other"}}, 200, &res)
	if res.Marked != 1 || res.Unread != 2 {
		t.Errorf("mark one: %+v", res)
	}
	f.do("GET", "/api/v1/notifications?unread=true", f.a1Tok, nil, 200, &page)
	if page.Total != 2 {
		t.Errorf("unread %+v", page)
	}
	f.errCode("POST", "/api/v1/notifications/read", f.a1Tok, markReadRequest{}, 422)
	f.errCode("POST", "/api/v1/notifications/read", f.a1Tok, markReadRequest{IDs: []string{"x"}, All: true}, 422)
	f.errCode("POST", "/api/v1/notifications/read", f.a1Tok, `{"ids":"x"}`, 400)
	f.do("POST", "/api/v1/notifications/read", f.a1Tok, markReadRequest{All: true}, 200, &res)
	if res.Marked != 2 || res.Unread != 0 {
		t.Errorf("mark all: %+v", res)
	}
	f.do("GET", "/api/v1/notifications/count", f.aTok, nil, 200, &count)
	if count.Unread != 1 {
		t.Errorf("another account's notification was marked: %+v", count)
	}
}

func TestMyEmail(t *testing.T) {
	f := newFixture(t)
	var e EmailAddress
	f.do("GET", "/api/v1/me/email", f.a1Tok, nil, 200, &e)
	if e.Email != "" {
		t.Errorf("email %+v", e)
	}
	f.do("PUT", "/api/v1/me/email", f.a1Tok, EmailAddress{Email: " li@example.org "}, 200, &e)
	f.do("GET", "/api/v1/me/email", f.a1Tok, nil, 200, &e)
	if e.Email != "li@example.org" {
		t.Errorf("email %+v", e)
	}
	for _, bad := range []string{"li", "Li <li@example.org>", "li@example.org, x@example.org", strings.Repeat("a", 250) + "@example.org"} {
		f.errCode("PUT", "/api/v1/me/email", f.a1Tok, EmailAddress{Email: bad}, 422)
	}
	f.errCode("PUT", "/api/v1/me/email", f.a1Tok, `{"address":"x"}`, 400)
	f.do("PUT", "/api/v1/me/email", f.a1Tok, EmailAddress{Email: ""}, 200, nil)
	if got, _ := f.store.AccountEmail(context.Background(), f.accounts["holderA1"].ID); got != "" {
		t.Errorf("cleared email: %q", got)
	}
	lines := f.auditLines("email_changed")
	for _, a := range lines {
		if strings.Contains(fmt.Sprint(a.Detail), "@") {
			t.Errorf("the address is in the audit log: %v", a.Detail)
		}
	}
	if len(lines) != 2 {
		t.Errorf("%d email_changed lines", len(lines))
	}
}

// Each person chooses where notifications go besides the in-app list (T6): new accounts take
// both; a bad address is refused in the caller's language and changes nothing; every change
// is audited without the address.
func TestMyPreferences(t *testing.T) {
	f := newFixture(t)
	var p postgres.Preferences
	f.do("GET", "/api/v1/me/preferences", f.a1Tok, nil, 200, &p)
	if p != (postgres.Preferences{EmailEach: true, DailyDigest: true}) {
		t.Errorf("a new account's preferences %+v", p)
	}
	f.do("PUT", "/api/v1/me/preferences", f.a1Tok, postgres.Preferences{Email: " li@example.org ", DailyDigest: true}, 200, &p)
	want := postgres.Preferences{Email: "li@example.org", DailyDigest: true}
	if p != want {
		t.Errorf("answered %+v", p)
	}
	e := f.errCode("PUT", "/api/v1/me/preferences", f.a1Tok, postgres.Preferences{Email: "Li <li@example.org>"}, 422)
	if !strings.Contains(e.Error.Message, "邮箱") {
		t.Errorf("refusal not in Chinese: %v", e)
	}
	f.do("GET", "/api/v1/me/preferences", f.a1Tok, nil, 200, &p)
	if p != want {
		t.Errorf("after a refusal %+v, want %+v", p, want)
	}
	lines := f.auditLines("preferences_changed")
	for _, a := range lines {
		if strings.Contains(fmt.Sprint(a.Detail), "@") || a.Detail["email_each"] != false || a.Detail["daily_digest"] != true {
			t.Errorf("audit detail %v", a.Detail)
		}
	}
	if len(lines) != 1 {
		t.Errorf("%d preferences_changed lines", len(lines))
	}

	// The settings page shows and saves the same, and shows a refused address again.
	body, _ := f.page("GET", "/settings?lang=en", f.a1Tok, 200)
	for _, w := range []string{"Notification settings", `value="li@example.org"`, `id="settings-daily-digest" checked`} {
		if !strings.Contains(body, w) {
			t.Errorf("settings page lacks %q", w)
		}
	}
	if strings.Contains(body, `id="settings-email-each" checked`) {
		t.Error("email for each notification shown on")
	}
	body, _ = f.formPost("/settings", f.a1Tok, url.Values{"email": {"not an address"}, "email_each": {"on"}}, 422)
	if !strings.Contains(body, `value="not an address"`) || !strings.Contains(body, "邮箱") {
		t.Errorf("refused form:\n%s", body)
	}
	// A robot of one's own: the secret is never answered, and kept when the URL is.
	robot := postgres.Robot{Kind: "dingtalk", URL: "https://oapi.dingtalk.com/robot/send?access_token=mine", Secret: "SECmine"}
	f.do("PUT", "/api/v1/me/preferences", f.a1Tok, postgres.Preferences{Robot: robot}, 200, &p)
	if p.Robot.Secret != "" || !p.Robot.HasSecret || p.Robot.URL != robot.URL {
		t.Errorf("robot answered %+v", p.Robot)
	}
	f.formPost("/settings", f.a1Tok, url.Values{"email": {""}, "robot_kind": {"dingtalk"}, "robot_url": {robot.URL}}, 303)
	if got, _ := f.store.Preferences(context.Background(), f.accounts["holderA1"].ID); got.Robot.Secret != "SECmine" {
		t.Errorf("the secret was not kept: %+v", got.Robot)
	}
	body, _ = f.page("GET", "/settings", f.a1Tok, 200)
	if strings.Contains(body, "SECmine") || !strings.Contains(body, `<option value="dingtalk" selected>钉钉机器人`) {
		t.Errorf("settings page with a robot:\n%s", body)
	}
	for _, bad := range []postgres.Robot{{Kind: "pager", URL: "https://x.example"}, {Kind: "feishu", URL: "ftp://x.example"},
		// Anyone may set a robot and the worker posts to it: never to this machine or the local network.
		{Kind: "generic", URL: "http://hooks.example/in"}, {Kind: "generic", URL: "https://127.0.0.1:7233/"},
		{Kind: "generic", URL: "https://10.1.2.3/x"}, {Kind: "generic", URL: "https://localhost/x"}, {Kind: "generic", URL: "https://[::1]/x"},
		{Kind: "generic", URL: "https://169.254.169.254/latest"}, {Kind: "generic", URL: "https://intranet/x"}} {
		f.errCode("PUT", "/api/v1/me/preferences", f.a1Tok, postgres.Preferences{Robot: bad}, 422)
	}
	if got, _ := f.store.Preferences(context.Background(), f.accounts["holderA1"].ID); got.Robot.URL != robot.URL {
		t.Errorf("a refused robot changed the one stored: %+v", got.Robot)
	}
	f.formPost("/settings", f.a1Tok, url.Values{"email_each": {"on"}}, 400) // not the page's form: changes nothing
	_, loc := f.formPost("/settings", f.a1Tok, url.Values{"email": {""}, "email_each": {"on"}}, 303)
	f.do("GET", "/api/v1/me/preferences", f.a1Tok, nil, 200, &p)
	if loc != "/settings" || p != (postgres.Preferences{EmailEach: true}) {
		t.Errorf("saved from the page: %+v, to %q", p, loc)
	}
}

func TestWebhooksAPI(t *testing.T) {
	f := newFixture(t)
	in := webhookRequest{OrgID: f.a1.ID, Kind: "dingtalk", URL: "https://oapi.dingtalk.com/robot/send?access_token=tok", Secret: "SEC"}
	var w WebhookView
	// Only an administrator of the whole tree adds one; a subtree's sees and removes its own.
	f.errCode("POST", "/api/v1/webhooks", f.aTok, in, 403)
	body := f.do("POST", "/api/v1/webhooks", f.rootTok, in, 201, &w)
	if w.ID == 0 || w.OrgID != f.a1.ID || !w.Enabled || !w.HasSecret || strings.Contains(string(body), "SEC") {
		t.Errorf("created %s", body)
	}
	off := false
	var onRoot WebhookView
	f.do("POST", "/api/v1/webhooks", f.rootTok, webhookRequest{OrgID: f.root.ID, Kind: "generic", URL: "http://hooks.example/in", Enabled: &off}, 201, &onRoot)
	if onRoot.Enabled || onRoot.HasSecret {
		t.Errorf("root hook %+v", onRoot)
	}

	f.errCode("POST", "/api/v1/webhooks", f.aTok, webhookRequest{OrgID: f.b.ID, Kind: "generic", URL: "https://x.example"}, 403)
	f.errCode("POST", "/api/v1/webhooks", f.a1Tok, webhookRequest{OrgID: f.a1.ID, Kind: "generic", URL: "https://x.example"}, 403)
	f.errCode("POST", "/api/v1/webhooks", f.rootTok, webhookRequest{OrgID: 99999, Kind: "generic", URL: "https://x.example"}, 422)
	f.errCode("POST", "/api/v1/webhooks", f.rootTok, webhookRequest{OrgID: f.a.ID, Kind: "pager", URL: "https://x.example"}, 422)
	for _, u := range []string{"", "ftp://x.example", "https://", "not a url", "javascript:alert(1)"} {
		f.errCode("POST", "/api/v1/webhooks", f.rootTok, webhookRequest{OrgID: f.a.ID, Kind: "generic", URL: u}, 422)
	}
	f.errCode("POST", "/api/v1/webhooks", f.rootTok, webhookRequest{OrgID: f.a.ID, Kind: "generic", URL: "https://x.example", Secret: strings.Repeat("s", 201)}, 422)
	// Nothing only the server reaches: loopback, private and link-local addresses, local names.
	for _, u := range []string{"http://127.0.0.1:8080/in", "https://localhost/in", "http://10.0.0.5/in", "http://192.168.1.1/in",
		"http://169.254.169.254/latest/meta-data", "http://[::1]/in", "http://intranet/in", "https://printer.local/in"} {
		e := f.errCode("POST", "/api/v1/webhooks", f.rootTok, webhookRequest{OrgID: f.a.ID, Kind: "generic", URL: u}, 422)
		if e.Error.Message != "Webhook 地址须在互联网上，不能指向本机或内网地址。" {
			t.Errorf("%s: %+v", u, e)
		}
	}
	f.errCode("POST", "/api/v1/webhooks", f.aTok, `{"org_id":1,"kind":"generic","url":"https://x","colour":"red"}`, 400)

	var hooks List[WebhookView]
	f.do("GET", "/api/v1/webhooks", f.aTok, nil, 200, &hooks)
	if hooks.Total != 1 || hooks.Items[0].ID != w.ID {
		t.Errorf("adminA sees %+v", hooks)
	}
	f.do("GET", "/api/v1/webhooks", f.rootTok, nil, 200, &hooks)
	if hooks.Total != 2 {
		t.Errorf("root sees %+v", hooks)
	}
	f.do("GET", fmt.Sprintf("/api/v1/webhooks?org_id=%d", f.a.ID), f.rootTok, nil, 200, &hooks)
	if hooks.Total != 1 {
		t.Errorf("root under a sees %+v", hooks)
	}
	f.errCode("GET", fmt.Sprintf("/api/v1/webhooks?org_id=%d", f.b.ID), f.aTok, nil, 403)
	f.errCode("GET", "/api/v1/webhooks?org_id=x", f.aTok, nil, 400)
	f.errCode("GET", "/api/v1/webhooks", f.a1Tok, nil, 403)

	f.errCode("DELETE", fmt.Sprintf("/api/v1/webhooks/%d", onRoot.ID), f.aTok, nil, 403)
	f.errCode("DELETE", fmt.Sprintf("/api/v1/webhooks/%d", w.ID), f.a1Tok, nil, 403)
	f.do("DELETE", fmt.Sprintf("/api/v1/webhooks/%d", w.ID), f.aTok, nil, 204, nil)
	f.errCode("DELETE", fmt.Sprintf("/api/v1/webhooks/%d", w.ID), f.aTok, nil, 404)
	f.errCode("DELETE", "/api/v1/webhooks/abc", f.aTok, nil, 404)

	var audit List[termgoal.Audit]
	f.do("GET", "/api/v1/audit", f.rootTok, nil, 200, &audit)
	actions := map[string]int{}
	for _, a := range audit.Items {
		actions[a.Action]++
		if strings.Contains(fmt.Sprint(a.Detail), "tok") {
			t.Errorf("the robot's token is in the audit log: %v", a.Detail)
		}
	}
	if actions["webhook_created"] != 2 || actions["webhook_deleted"] != 1 {
		t.Errorf("audit %v", actions)
	}
}

// Administrators see the notifications a channel still fails to take in their orgs, over the
// API, on their page and counted on the dashboard; nobody else does.
func TestFailedDeliveriesAPIAndPage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	onA1 := postgres.Webhook{OrgID: f.a1.ID, Kind: "generic", URL: "https://hooks.example/a1", Enabled: true}
	onB := postgres.Webhook{OrgID: f.b.ID, Kind: "generic", URL: "https://hooks.example/b", Enabled: true}
	for _, w := range []*postgres.Webhook{&onA1, &onB} {
		if err := f.store.CreateWebhook(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []postgres.Delivery{
		{NotificationID: "p-a1/n/1", Channel: fmt.Sprintf("webhook:%d", onA1.ID), Status: postgres.DeliveryFailed, Error: "HTTP 502"},
		{NotificationID: "p-b/n/1", Channel: fmt.Sprintf("webhook:%d", onB.ID), Status: postgres.DeliveryFailed, Error: "HTTP 404"},
	} {
		if err := f.store.RecordDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	var got List[postgres.FailedDelivery]
	f.do("GET", "/api/v1/deliveries/failed", f.aTok, nil, 200, &got)
	if got.Total != 1 || got.Items[0].NotificationID != "p-a1/n/1" || got.Items[0].OrgName != "a1" || got.Items[0].Error != "HTTP 502" {
		t.Errorf("adminA sees %+v", got)
	}
	f.do("GET", "/api/v1/deliveries/failed", f.rootTok, nil, 200, &got)
	if got.Total != 2 {
		t.Errorf("root sees %+v", got)
	}
	f.errCode("GET", "/api/v1/deliveries/failed", f.a1Tok, nil, 403)

	body, _ := f.page("GET", "/deliveries?lang=en", f.aTok, 200)
	if !strings.Contains(body, `data-id="p-a1/n/1"`) || strings.Contains(body, "p-b/n/1") || !strings.Contains(body, "HTTP 502") {
		t.Errorf("adminA's page:\n%s", body)
	}
	body, _ = f.page("GET", "/dashboard?lang=en", f.aTok, 200)
	if !strings.Contains(body, "Notifications not delivered: 1") {
		t.Errorf("the dashboard does not count them:\n%s", body)
	}
	f.page("GET", "/deliveries", f.a1Tok, 403)
}
