package activities

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"termgoal"
	"termgoal/notify"
	"termgoal/postgres"
)

// NotifyInput is one event to tell people about (T6). Workflows run Notify as a normal
// activity with retries, without waiting on it: a channel that is down never holds up the
// process.
type NotifyInput struct {
	ID         string  // idempotency key of this event; each recipient's notification is ID+"/"+accountID
	Recipients []int64 // accounts
	Kind       string  // notify.Assigned, Reminder, Due, Overdue, Escalated, Urged, Copied, AutoAction, Returned, Digest
	ProcessID  string
	TaskID     string
	OrgID      int64          // picks the webhooks: those on the org or an ancestor; 0 posts none
	Params     map[string]any // placeholders of the texts: step, due_on, holder, assignee, actor, action, reason, …
}

// ENOTIFY is the type of the retryable error Notify returns when a channel failed.
const ENOTIFY = "notify_failed"

// Notify writes the in-app notifications, then emails each recipient who has an address and
// takes an email for each notification (the digest: each who takes it) when a mailer is
// configured, posts it to each recipient's own robot, and posts the event once to each enabled
// webhook of the org. Every
// channel's outcome is recorded, and a channel already recorded as sent is skipped, so a retry
// sends only what failed. Any failure is returned as a retryable error.
func (a *Activities) Notify(ctx context.Context, in NotifyInput) error {
	if in.ID == "" || in.Kind == "" {
		return domain(termgoal.Errorf(termgoal.EINVALID, "notify.input", "a notification needs an ID and a kind"))
	}
	return a.notify(ctx, in)
}

func (a *Activities) notify(ctx context.Context, in NotifyInput) error {
	n := a.Notifier
	if n == nil {
		n = notify.New(nil, "")
	}
	recipients, err := a.Store.Recipients(ctx, in.Recipients)
	if err != nil {
		return domain(err)
	}
	rows := make([]postgres.Notification, len(recipients))
	for i, r := range recipients {
		rows[i] = postgres.Notification{ID: recipientID(in.ID, r.AccountID), AccountID: r.AccountID, Kind: in.Kind,
			ProcessID: in.ProcessID, TaskID: in.TaskID, Params: in.Params}
	}
	if err := a.Store.CreateNotifications(ctx, rows); err != nil {
		return domain(err)
	}

	link := n.Link(notify.LinkPath(in.Kind, in.ProcessID, in.TaskID))
	var failed []string
	if n.Mailer != nil {
		for _, r := range recipients {
			if r.Email == "" || !r.EmailEach && in.Kind != notify.Digest {
				continue // no address, or only the digest by email
			}
			msg := notify.Compose(r.Lang, in.Kind, in.Params, link)
			err := a.deliver(ctx, recipientID(in.ID, r.AccountID), "email", func() error { return n.Mailer.Send(ctx, r.Email, msg) })
			if err != nil {
				failed = append(failed, fmt.Sprintf("email to account %d: %v", r.AccountID, err))
			}
		}
	}
	// Each person's own robot, in their language, under their notification's ID.
	for _, r := range recipients {
		if r.Robot.Kind == "" {
			continue
		}
		id := recipientID(in.ID, r.AccountID)
		ev := in.event(id, notify.Compose(r.Lang, in.Kind, in.Params, link))
		hook := notify.Hook{Kind: r.Robot.Kind, URL: r.Robot.URL, Secret: r.Robot.Secret}
		if err := a.deliver(ctx, id, "robot", func() error { return n.Post(ctx, hook, ev) }); err != nil {
			failed = append(failed, fmt.Sprintf("robot of account %d: %v", r.AccountID, err))
		}
	}
	if in.OrgID != 0 {
		org, err := a.Store.Org(ctx, in.OrgID)
		if err != nil {
			return domain(err)
		}
		hooks, err := a.Store.Webhooks(ctx, org.Path)
		if err != nil {
			return domain(err)
		}
		// Group robots speak the organization's language: zh-CN.
		ev := in.event(in.ID, notify.Compose("zh-CN", in.Kind, in.Params, link))
		for _, h := range hooks {
			if !h.Enabled {
				continue
			}
			hook := notify.Hook{Kind: h.Kind, URL: h.URL, Secret: h.Secret}
			channel := "webhook:" + strconv.FormatInt(h.ID, 10)
			if err := a.deliver(ctx, in.ID, channel, func() error { return n.Post(ctx, hook, ev) }); err != nil {
				failed = append(failed, fmt.Sprintf("%s: %v", channel, err))
			}
		}
	}
	if len(failed) > 0 {
		return temporal.NewApplicationError(fmt.Sprintf("notify %s: %s", in.ID, strings.Join(failed, "; ")), ENOTIFY)
	}
	return nil
}

// event is what a hook receives of in, under id, with msg's texts.
func (in NotifyInput) event(id string, msg notify.Message) notify.Event {
	return notify.Event{ID: id, Kind: in.Kind, ProcessID: in.ProcessID, TaskID: in.TaskID, Params: in.Params,
		Subject: msg.Subject, Text: msg.Text, Link: msg.Link}
}

// deliver sends on one channel unless it already sent, and records the outcome. A store
// error is returned as well, since an unrecorded send would be repeated.
func (a *Activities) deliver(ctx context.Context, notificationID, channel string, send func() error) error {
	sent, err := a.Store.Delivered(ctx, notificationID, channel)
	if err != nil || sent {
		return err
	}
	d := postgres.Delivery{NotificationID: notificationID, Channel: channel, Status: postgres.DeliverySent}
	sendErr := send()
	if sendErr != nil {
		d.Status, d.Error = postgres.DeliveryFailed, truncate(sendErr.Error(), 500)
	}
	if err := a.Store.RecordDelivery(ctx, d); err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	if activity.IsActivity(ctx) {
		activity.RecordHeartbeat(ctx)
	}
	return sendErr
}

func recipientID(id string, accountID int64) string {
	return id + "/" + strconv.FormatInt(accountID, 10)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// DigestInput names the day of a daily digest (a date in China).
type DigestInput struct {
	Day time.Time
}

// DigestWorkingDays is how far ahead the digest looks.
const DigestWorkingDays = 3

// Digest sends the daily digest (T6): one notification to each account with open tasks due
// within DigestWorkingDays working days or overdue, with ID "digest/<date>/<account>", so a
// re-run of the same day sends nothing twice. It returns how many accounts it covered. The
// digest is personal: it goes in-app and by email, never to a group robot.
func (a *Activities) Digest(ctx context.Context, in DigestInput) (int, error) {
	day := time.Date(in.Day.Year(), in.Day.Month(), in.Day.Day(), 0, 0, 0, 0, time.UTC)
	until, err := a.Deadline(ctx, DeadlineInput{From: day, WorkingDays: DigestWorkingDays})
	if err != nil {
		// A year the calendar does not know yet: count weekdays rather than skip the digest.
		until = addWeekdays(day, DigestWorkingDays)
		activity.GetLogger(ctx).Warn("digest: calendar unknown, counting weekdays", "error", err)
	}
	counts, err := a.Store.DueCounts(ctx, day, until)
	if err != nil {
		return 0, domain(err)
	}
	date := day.Format(time.DateOnly)
	var failed []string
	for _, c := range counts {
		err := a.notify(ctx, NotifyInput{
			ID: "digest/" + date + "/" + strconv.FormatInt(c.AccountID, 10), Recipients: []int64{c.AccountID},
			Kind: notify.Digest, Params: map[string]any{"date": date, "due": c.Due, "overdue": c.Overdue},
		})
		if err != nil {
			failed = append(failed, err.Error())
		}
		activity.RecordHeartbeat(ctx, c.AccountID)
	}
	if len(failed) > 0 {
		return len(counts), temporal.NewApplicationError(fmt.Sprintf("digest %s: %d accounts failed: %s", date, len(failed), failed[0]), ENOTIFY)
	}
	return len(counts), nil
}

func addWeekdays(d time.Time, n int) time.Time {
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			n--
		}
	}
	return d
}
