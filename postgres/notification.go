package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/lib/pq"
)

// Notification is one in-app notification (T6) of one account. Its ID is the notify call's
// idempotency key plus the account, so a retried activity writes it once.
type Notification struct {
	ID        string         `json:"id"`
	AccountID int64          `json:"account_id"`
	Kind      string         `json:"kind"`
	ProcessID string         `json:"process_id,omitempty"`
	TaskID    string         `json:"task_id,omitempty"`
	Params    map[string]any `json:"params"`
	CreatedAt time.Time      `json:"created_at"`
	ReadAt    *time.Time     `json:"read_at,omitempty"`
}

// Webhook posts an org's notifications to a chat robot or a generic receiver; hooks on an
// ancestor org get the notifications of the whole subtree. The secret never leaves the store
// in JSON.
type Webhook struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	Kind      string    `json:"kind"` // generic, dingtalk, wecom, feishu
	URL       string    `json:"url"`
	Secret    string    `json:"-"`
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
}

// Delivery is what happened when one channel sent one notification.
type Delivery struct {
	NotificationID string    `json:"notification_id"`
	Channel        string    `json:"channel"` // email | robot | webhook:<id>
	Status         string    `json:"status"`  // sent | failed
	Attempts       int       `json:"attempts"`
	Error          string    `json:"error,omitempty"`
	At             time.Time `json:"at"`
}

// Delivery statuses.
const (
	DeliverySent   = "sent"
	DeliveryFailed = "failed"
)

// Recipient is what sending needs to know of an account.
type Recipient struct {
	AccountID   int64
	DisplayName string
	Lang        string
	Email       string
	EmailEach   bool  // an email for each notification, not only the daily digest
	Robot       Robot // the person's own robot (Kind "": none)
}

// Preferences are where a person's notifications go besides the in-app list, which always
// has them (T6): the address, an email for each notification, the daily digest, a robot of
// their own.
type Preferences struct {
	Email       string `json:"email"`
	EmailEach   bool   `json:"email_each"`
	DailyDigest bool   `json:"daily_digest"`
	Robot       Robot  `json:"robot"`
}

// Robot is a person's own robot: a webhook kind (notify.Kinds) and its URL and secret, or
// Kind "" for none. The secret is never answered, only whether there is one.
type Robot struct {
	Kind      string `json:"kind"`
	URL       string `json:"url"`
	Secret    string `json:"secret,omitempty"`
	HasSecret bool   `json:"has_secret"`
}

// DueCount is one account's open tasks due up to a day, and how many of them are overdue.
type DueCount struct {
	AccountID int64
	Due       int // open and due on or before the day asked (overdue included)
	Overdue   int // open and due before today
}

// CreateNotifications inserts the notifications; an ID already present is left as it is, so
// a retry neither duplicates a row nor marks a read one unread.
func (s *Store) CreateNotifications(ctx context.Context, ns []Notification) error {
	return s.inTx(ctx, "create notifications", func(tx *sql.Tx) error {
		for _, n := range ns {
			params, err := jsonObject(n.Params)
			if err != nil {
				return err
			}
			if n.CreatedAt.IsZero() {
				n.CreatedAt = time.Now()
			}
			_, err = tx.ExecContext(ctx, `
				INSERT INTO notifications (id, account_id, kind, process_id, task_id, params, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
				n.ID, n.AccountID, n.Kind, n.ProcessID, n.TaskID, params, n.CreatedAt)
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func scanNotification(r scanner) (Notification, error) {
	var n Notification
	err := r.Scan(&n.ID, &n.AccountID, &n.Kind, &n.ProcessID, &n.TaskID, jsonInto{&n.Params}, &n.CreatedAt, &n.ReadAt)
	return n, err
}

// Notifications returns a page of an account's notifications, newest first, and how many
// match; unreadOnly leaves out the read ones.
func (s *Store) Notifications(ctx context.Context, accountID int64, unreadOnly bool, limit, offset int) ([]Notification, int, error) {
	return page(ctx, s.db, scanNotification,
		`id, account_id, kind, process_id, task_id, params, created_at, read_at`,
		`notifications WHERE account_id = $1 AND (NOT $2 OR read_at IS NULL)`,
		`created_at DESC, id DESC`, limit, offset, accountID, unreadOnly)
}

// Notification returns one of an account's notifications; another account's is not found.
func (s *Store) Notification(ctx context.Context, accountID int64, id string) (*Notification, error) {
	return get(ctx, s.db, scanNotification, "notification", id, `SELECT id, account_id, kind, process_id, task_id, params,
		created_at, read_at FROM notifications WHERE account_id = $1 AND id = $2`, accountID, id)
}

// UnreadCount counts an account's unread notifications (the menu badge).
func (s *Store) UnreadCount(ctx context.Context, accountID int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL`, accountID).Scan(&n)
	return n, mapError(err, "count notifications")
}

// MarkRead marks an account's notifications read: those in ids, or every one with all. IDs
// of other accounts are ignored. It returns how many were unread before.
func (s *Store) MarkRead(ctx context.Context, accountID int64, ids []string, all bool) (int, error) {
	res, err := s.db.ExecContext(ctx, `
		UPDATE notifications SET read_at = now()
		WHERE account_id = $1 AND read_at IS NULL AND ($2 OR id = ANY($3))`,
		accountID, all, pq.Array(ids))
	if err != nil {
		return 0, mapError(err, "mark notifications read")
	}
	n, err := res.RowsAffected()
	return int(n), mapError(err, "mark notifications read")
}

// Recipients returns the accounts to notify, by id; unknown ids are left out.
func (s *Store) Recipients(ctx context.Context, ids []int64) ([]Recipient, error) {
	return list(ctx, s.db, func(r scanner) (Recipient, error) {
		var rc Recipient
		err := r.Scan(&rc.AccountID, &rc.DisplayName, &rc.Lang, &rc.Email, &rc.EmailEach, &rc.Robot.Kind, &rc.Robot.URL, &rc.Robot.Secret)
		return rc, err
	}, `SELECT id, display_name, lang, email, notify_email, robot_kind, robot_url, robot_secret FROM accounts
		WHERE id = ANY($1) ORDER BY id`, pq.Array(ids))
}

// Preferences returns an account's notification preferences.
func (s *Store) Preferences(ctx context.Context, accountID int64) (Preferences, error) {
	p, err := get(ctx, s.db, func(r scanner) (Preferences, error) {
		var p Preferences
		err := r.Scan(&p.Email, &p.EmailEach, &p.DailyDigest, &p.Robot.Kind, &p.Robot.URL, &p.Robot.Secret)
		p.Robot.HasSecret = p.Robot.Secret != ""
		return p, err
	}, "account", accountID, `SELECT email, notify_email, daily_digest, robot_kind, robot_url, robot_secret FROM accounts WHERE id = $1`, accountID)
	if err != nil {
		return Preferences{}, err
	}
	return *p, nil
}

// SetPreferences sets an account's notification preferences. The caller validates the address
// and the robot (the table refuses an unknown robot kind too).
func (s *Store) SetPreferences(ctx context.Context, accountID int64, p Preferences) error {
	res, err := s.db.ExecContext(ctx, `UPDATE accounts SET email = $2, notify_email = $3, daily_digest = $4,
		robot_kind = $5, robot_url = $6, robot_secret = $7 WHERE id = $1`,
		accountID, p.Email, p.EmailEach, p.DailyDigest, p.Robot.Kind, p.Robot.URL, p.Robot.Secret)
	if err != nil {
		return mapError(err, "set preferences")
	}
	return affectedOne(res, "set preferences", "account", accountID)
}

// SetAccountEmail sets the address an account's email notifications go to ("" for none).
// The caller validates the address.
func (s *Store) SetAccountEmail(ctx context.Context, accountID int64, email string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE accounts SET email = $2 WHERE id = $1`, accountID, email)
	if err != nil {
		return mapError(err, "set email")
	}
	return affectedOne(res, "set email", "account", accountID)
}

// AccountEmail returns the address an account's email notifications go to.
func (s *Store) AccountEmail(ctx context.Context, accountID int64) (string, error) {
	e, err := get(ctx, s.db, func(r scanner) (string, error) {
		var e string
		err := r.Scan(&e)
		return e, err
	}, "account", accountID, `SELECT email FROM accounts WHERE id = $1`, accountID)
	if err != nil {
		return "", err
	}
	return *e, nil
}

const webhookCols = `w.id, w.org_id, w.kind, w.url, w.secret, w.enabled, w.created_at`

func scanWebhook(r scanner) (Webhook, error) {
	var w Webhook
	err := r.Scan(&w.ID, &w.OrgID, &w.Kind, &w.URL, &w.Secret, &w.Enabled, &w.CreatedAt)
	return w, err
}

// CreateWebhook inserts w and sets its ID and creation time. The caller validates the kind
// and the URL; the table refuses an unknown kind too (EINVALID).
func (s *Store) CreateWebhook(ctx context.Context, w *Webhook) error {
	if w.URL == "" {
		return invalid("webhook.url", "the webhook needs a URL")
	}
	err := s.db.QueryRowContext(ctx, `
		INSERT INTO webhooks (org_id, kind, url, secret, enabled) VALUES ($1, $2, $3, $4, $5)
		RETURNING id, created_at`, w.OrgID, w.Kind, w.URL, w.Secret, w.Enabled).Scan(&w.ID, &w.CreatedAt)
	return mapError(err, "create webhook")
}

// Webhook returns one webhook.
func (s *Store) Webhook(ctx context.Context, id int64) (*Webhook, error) {
	return get(ctx, s.db, scanWebhook, "webhook", id, `SELECT `+webhookCols+` FROM webhooks w WHERE w.id = $1`, id)
}

// DeleteWebhook deletes a webhook; its past deliveries stay recorded.
func (s *Store) DeleteWebhook(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM webhooks WHERE id = $1`, id)
	if err != nil {
		return mapError(err, "delete webhook")
	}
	return affectedOne(res, "delete webhook", "webhook", id)
}

// Webhooks returns the hooks that hear about the org at orgPath: those on the org itself and
// on its ancestors, enabled or not, by id.
func (s *Store) Webhooks(ctx context.Context, orgPath string) ([]Webhook, error) {
	return list(ctx, s.db, scanWebhook, `SELECT `+webhookCols+` FROM webhooks w JOIN orgs o ON o.id = w.org_id
		WHERE starts_with($1, o.path) ORDER BY w.id`, orgPath)
}

// WebhooksUnder returns the hooks on the orgs of the subtree at path (what an administrator of
// that org manages), by id.
func (s *Store) WebhooksUnder(ctx context.Context, path string) ([]Webhook, error) {
	return list(ctx, s.db, scanWebhook, `SELECT `+webhookCols+` FROM webhooks w JOIN orgs o ON o.id = w.org_id
		WHERE o.path LIKE $1 || '%' ORDER BY w.id`, path)
}

// RecordDelivery records an attempt of a channel at a notification, counting attempts. A
// channel recorded as sent stays sent: a late failure report cannot undo it.
func (s *Store) RecordDelivery(ctx context.Context, d Delivery) error {
	if d.At.IsZero() {
		d.At = time.Now()
	}
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO deliveries (notification_id, channel, status, attempts, error, at) VALUES ($1, $2, $3, 1, $4, $5)
		ON CONFLICT (notification_id, channel) DO UPDATE
		SET status = EXCLUDED.status, attempts = deliveries.attempts + 1, error = EXCLUDED.error, at = EXCLUDED.at
		WHERE deliveries.status <> 'sent'`,
		d.NotificationID, d.Channel, d.Status, d.Error, d.At)
	return mapError(err, "record delivery")
}

// Delivered reports whether a channel already sent a notification.
func (s *Store) Delivered(ctx context.Context, notificationID, channel string) (bool, error) {
	var sent bool
	err := s.db.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM deliveries WHERE notification_id = $1 AND channel = $2 AND status = 'sent')`,
		notificationID, channel).Scan(&sent)
	return sent, mapError(err, "delivered")
}

// Deliveries returns what every channel did for the notifications whose ID starts with
// prefix (a notify ID covers its per-account notifications), by notification and channel.
func (s *Store) Deliveries(ctx context.Context, prefix string) ([]Delivery, error) {
	return list(ctx, s.db, func(r scanner) (Delivery, error) {
		var d Delivery
		err := r.Scan(&d.NotificationID, &d.Channel, &d.Status, &d.Attempts, &d.Error, &d.At)
		return d, err
	}, `SELECT notification_id, channel, status, attempts, error, at FROM deliveries
		WHERE starts_with(notification_id, $1) ORDER BY notification_id, channel`, prefix)
}

// DueCounts returns, per account that takes the daily digest, the open tasks due on or before
// until and, of those, the ones due before today: what the digest tells each account.
func (s *Store) DueCounts(ctx context.Context, today, until time.Time) ([]DueCount, error) {
	return list(ctx, s.db, func(r scanner) (DueCount, error) {
		var d DueCount
		err := r.Scan(&d.AccountID, &d.Due, &d.Overdue)
		return d, err
	}, `SELECT t.account_id, count(*), count(*) FILTER (WHERE t.due_on < $1) FROM tasks t
		JOIN accounts a ON a.id = t.account_id AND a.daily_digest
		WHERE t.status = 'open' AND t.due_on <= $2
		GROUP BY t.account_id ORDER BY t.account_id`, dateArg(today), dateArg(until))
}

// affectedOne turns a statement that touched no row into notFound(what, id).
func affectedOne(res sql.Result, op, what string, id any) error {
	n, err := res.RowsAffected()
	if err != nil {
		return mapError(err, op)
	}
	if n == 0 {
		return notFound(what, id)
	}
	return nil
}

// FailedDelivery is a channel that still fails to take a notification, with what the
// administrator needs to chase it: the process, its org, the recipient of an email.
type FailedDelivery struct {
	Delivery
	ProcessID string `json:"process_id,omitempty"`
	OrgName   string `json:"org_name,omitempty"`
	Recipient string `json:"recipient,omitempty"` // the display name of an email's account
}

// FailedDeliveries pages through the deliveries whose last attempt failed, newest first, of
// the processes and webhooks in the org subtrees under paths. A notification of no process (the
// daily digest) is shown to administrators of a top-level org.
func (s *Store) FailedDeliveries(ctx context.Context, paths []string, limit, offset int) ([]FailedDelivery, int, error) {
	return page(ctx, s.db, func(r scanner) (FailedDelivery, error) {
		var f FailedDelivery
		err := r.Scan(&f.NotificationID, &f.Channel, &f.Status, &f.Attempts, &f.Error, &f.At, &f.ProcessID, &f.OrgName, &f.Recipient)
		return f, err
	}, `d.notification_id, d.channel, d.status, d.attempts, d.error, d.at, coalesce(p.id, ''), coalesce(o.name, ''), coalesce(a.display_name, '')`,
		`deliveries d
		LEFT JOIN notifications n ON n.id = d.notification_id
		LEFT JOIN accounts a ON a.id = n.account_id
		LEFT JOIN processes p ON p.id = coalesce(n.process_id, split_part(d.notification_id, '/', 1))
		LEFT JOIN webhooks w ON d.channel = 'webhook:' || w.id
		LEFT JOIN orgs o ON o.id = coalesce(p.org_id, w.org_id)
		WHERE d.status = 'failed' AND (
			EXISTS (SELECT 1 FROM unnest($1::text[]) r WHERE starts_with(o.path, r))
			OR o.id IS NULL AND EXISTS (SELECT 1 FROM orgs t WHERE t.parent_id IS NULL AND t.path = ANY($1)))`,
		`d.at DESC, d.notification_id, d.channel`, limit, offset, pq.Array(paths))
}
