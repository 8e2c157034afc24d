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
