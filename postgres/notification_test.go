package postgres_test

import (
	"fmt"
	"testing"
	"time"

	"termgoal"
	"termgoal/postgres"
	"termgoal/postgres/postgrestest"
)

func TestNotifications(t *testing.T) {
	s := postgrestest.New(t)
	a := account(t, s, "a", nil)
	b := account(t, s, "b", nil)
	base := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	var ns []postgres.Notification
	for i := range 3 {
		ns = append(ns, postgres.Notification{ID: fmt.Sprintf("n%d/%d", i, a.ID), AccountID: a.ID, Kind: "assigned",
			ProcessID: "p", TaskID: fmt.Sprintf("t%d", i), Params: map[string]any{"step": "draft"}, CreatedAt: base.Add(time.Duration(i) * time.Hour)})
	}
	ns = append(ns, postgres.Notification{ID: "n0/b", AccountID: b.ID, Kind: "digest", CreatedAt: base})
	must(t, s.CreateNotifications(ctx, ns))
	must(t, s.CreateNotifications(ctx, ns)) // a retry writes nothing twice

	items, total, err := s.Notifications(ctx, a.ID, false, 2, 0)
	must(t, err)
	if total != 3 || len(items) != 2 || items[0].ID != ns[2].ID || items[0].Params["step"] != "draft" || items[0].ReadAt != nil {
		t.Errorf("page 1: %d %+v", total, items)
	}
	if one, err := s.Notification(ctx, a.ID, ns[1].ID); err != nil || one.TaskID != "t1" || one.ReadAt != nil {
		t.Errorf("one: %+v %v", one, err)
	}
	_, err = s.Notification(ctx, a.ID, "n0/b") // b's
	wantCode(t, err, termgoal.ENOTFOUND)
	n, err := s.MarkRead(ctx, a.ID, []string{ns[0].ID, "n0/b", "unknown"}, false)
	must(t, err)
	if n != 1 {
		t.Errorf("marked %d, want 1 (another account's id is ignored)", n)
	}
	must(t, s.CreateNotifications(ctx, ns[:1])) // a retry does not make it unread again
	if c, _ := s.UnreadCount(ctx, a.ID); c != 2 {
		t.Errorf("unread %d", c)
	}
	items, total, err = s.Notifications(ctx, a.ID, true, 10, 0)
	must(t, err)
	if total != 2 || len(items) != 2 || items[1].ID != ns[1].ID {
		t.Errorf("unread only: %d %+v", total, items)
	}
	n, err = s.MarkRead(ctx, a.ID, nil, true)
	must(t, err)
	if c, _ := s.UnreadCount(ctx, a.ID); n != 2 || c != 0 {
		t.Errorf("mark all: %d marked, %d unread", n, c)
	}
	if c, _ := s.UnreadCount(ctx, b.ID); c != 1 {
		t.Errorf("b unread %d", c)
	}

	must(t, s.SetAccountEmail(ctx, a.ID, "a@example.org"))
	if e, err := s.AccountEmail(ctx, a.ID); err != nil || e != "a@example.org" {
		t.Errorf("email %q %v", e, err)
	}
	wantCode(t, s.SetAccountEmail(ctx, 99999, "x@example.org"), termgoal.ENOTFOUND)
	rs, err := s.Recipients(ctx, []int64{b.ID, a.ID, 99999})
	must(t, err)
	if len(rs) != 2 || rs[0].AccountID != a.ID || rs[0].Email != "a@example.org" || rs[0].Lang != "zh-CN" || rs[1].Email != "" {
		t.Errorf("recipients %+v", rs)
	}
}

func TestWebhooksAndDeliveries(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	onCounty := postgres.Webhook{OrgID: w.county.ID, Kind: "dingtalk", URL: "https://oapi.example/robot/send?access_token=x", Secret: "sec", Enabled: true}
	onVillage := postgres.Webhook{OrgID: w.village.ID, Kind: "generic", URL: "https://hooks.example/in", Enabled: false}
	must(t, s.CreateWebhook(ctx, &onCounty))
	must(t, s.CreateWebhook(ctx, &onVillage))
	wantCode(t, s.CreateWebhook(ctx, &postgres.Webhook{OrgID: w.town.ID, Kind: "pager", URL: "https://x"}), termgoal.EINVALID)
	wantCode(t, s.CreateWebhook(ctx, &postgres.Webhook{OrgID: w.town.ID, Kind: "generic"}), termgoal.EINVALID)
	wantCode(t, s.CreateWebhook(ctx, &postgres.Webhook{OrgID: 99999, Kind: "generic", URL: "https://x"}), termgoal.EINVALID)

	hooks, err := s.Webhooks(ctx, w.village.Path) // the village hears its own hook and the county's
	must(t, err)
	if len(hooks) != 2 || hooks[0].ID != onCounty.ID || hooks[0].Secret != "sec" || hooks[1].Enabled {
		t.Errorf("village hooks %+v", hooks)
	}
	hooks, err = s.Webhooks(ctx, w.town.Path)
	must(t, err)
	if len(hooks) != 1 || hooks[0].ID != onCounty.ID {
		t.Errorf("town hooks %+v", hooks)
	}
	hooks, err = s.WebhooksUnder(ctx, w.town.Path) // what the town's admin manages
	must(t, err)
	if len(hooks) != 1 || hooks[0].ID != onVillage.ID {
		t.Errorf("hooks under the town %+v", hooks)
	}
	got, err := s.Webhook(ctx, onCounty.ID)
	must(t, err)
	if got.URL != onCounty.URL || got.CreatedAt.IsZero() {
		t.Errorf("webhook %+v", got)
	}
	must(t, s.DeleteWebhook(ctx, onVillage.ID))
	wantCode(t, s.DeleteWebhook(ctx, onVillage.ID), termgoal.ENOTFOUND)
	_, err = s.Webhook(ctx, onVillage.ID)
	wantCode(t, err, termgoal.ENOTFOUND)

	must(t, s.RecordDelivery(ctx, postgres.Delivery{NotificationID: "n/1", Channel: "email", Status: postgres.DeliveryFailed, Error: "451"}))
	if sent, _ := s.Delivered(ctx, "n/1", "email"); sent {
		t.Error("a failed delivery counts as sent")
	}
	must(t, s.RecordDelivery(ctx, postgres.Delivery{NotificationID: "n/1", Channel: "email", Status: postgres.DeliverySent}))
	must(t, s.RecordDelivery(ctx, postgres.Delivery{NotificationID: "n/1", Channel: "email", Status: postgres.DeliveryFailed, Error: "late"}))
	must(t, s.RecordDelivery(ctx, postgres.Delivery{NotificationID: "n", Channel: "webhook:1", Status: postgres.DeliverySent}))
	if sent, _ := s.Delivered(ctx, "n/1", "email"); !sent {
		t.Error("not delivered")
	}
	ds, err := s.Deliveries(ctx, "n")
	must(t, err)
	if len(ds) != 2 || ds[0].Channel != "webhook:1" || ds[1].Status != "sent" || ds[1].Attempts != 2 || ds[1].Error != "" {
		t.Errorf("deliveries %+v", ds)
	}
	wantCode(t, s.RecordDelivery(ctx, postgres.Delivery{NotificationID: "n/2", Channel: "email", Status: "maybe"}), termgoal.EINVALID)
}

// The failed deliveries an administrator sees: those of the processes and webhooks in their
// subtrees, newest first; a notification of no process (the digest) only at the top; a channel
// that sent in the end is not listed.
func TestFailedDeliveries(t *testing.T) {
	s := postgrestest.New(t)
	w := newWorld(t, s)
	hill, _ := w.sibling(t, s, "Hill village", termgoal.OrgVillage)
	must(t, s.Apply(ctx, w.change("goal-1/c/1", 0, termgoal.StepDraft, "started")))
	li := account(t, s, "li", nil)
	must(t, s.CreateNotifications(ctx, []postgres.Notification{
		{ID: fmt.Sprintf("goal-1/n/1/%d", li.ID), AccountID: li.ID, Kind: "assigned", ProcessID: "goal-1"},
		{ID: fmt.Sprintf("digest/2026-03-02/%d/%d", li.ID, li.ID), AccountID: li.ID, Kind: "digest"}}))
	onHill := postgres.Webhook{OrgID: hill.ID, Kind: "generic", URL: "https://hooks.example/in", Enabled: true}
	must(t, s.CreateWebhook(ctx, &onHill))
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	failed := func(id, channel string, minutes int) {
		must(t, s.RecordDelivery(ctx, postgres.Delivery{NotificationID: id, Channel: channel, Status: postgres.DeliveryFailed,
			Error: "refused", At: at.Add(time.Duration(minutes) * time.Minute)}))
	}
	failed(fmt.Sprintf("goal-1/n/1/%d", li.ID), "email", 1)
	failed(fmt.Sprintf("digest/2026-03-02/%d/%d", li.ID, li.ID), "email", 2)
	failed("term-9/n/1", fmt.Sprintf("webhook:%d", onHill.ID), 3) // a process not in the read model: the hook's org
	failed("goal-1/n/2", "webhook:77", 4)                         // then sent
	must(t, s.RecordDelivery(ctx, postgres.Delivery{NotificationID: "goal-1/n/2", Channel: "webhook:77", Status: postgres.DeliverySent}))

	want := func(paths []string, ids ...string) {
		t.Helper()
		rows, total, err := s.FailedDeliveries(ctx, paths, 10, 0)
		must(t, err)
		var got []string
		for _, r := range rows {
			got = append(got, r.NotificationID+"|"+r.ProcessID+"|"+r.OrgName+"|"+r.Recipient)
		}
		if total != len(ids) || fmt.Sprint(got) != fmt.Sprint(ids) {
			t.Errorf("FailedDeliveries(%v) = %v (%d), want %v", paths, got, total, ids)
		}
	}
	liEmail := fmt.Sprintf("goal-1/n/1/%d|goal-1|Village|li (display)", li.ID)
	digest := fmt.Sprintf("digest/2026-03-02/%d/%d|||li (display)", li.ID, li.ID)
	want([]string{w.county.Path}, "term-9/n/1||Hill village|", digest, liEmail)
	want([]string{w.town.Path}, liEmail)
	want([]string{hill.Path, w.village.Path}, "term-9/n/1||Hill village|", liEmail)
	rows, total, err := s.FailedDeliveries(ctx, []string{w.county.Path}, 1, 1)
	must(t, err)
	if total != 3 || len(rows) != 1 || rows[0].Recipient != "li (display)" || rows[0].Attempts != 1 || rows[0].Error != "refused" {
		t.Errorf("second page %+v of %d", rows, total)
	}
}
