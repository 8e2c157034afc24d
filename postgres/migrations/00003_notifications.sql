-- +goose Up
-- Notifications (T6): in-app rows, the webhooks administrators configure, and every delivery
-- attempt, so a retried activity never sends a channel twice.
ALTER TABLE accounts ADD COLUMN email text NOT NULL DEFAULT '';

CREATE TABLE notifications (
    id         text PRIMARY KEY,                -- idempotency key: <notify id>/<account id>
    account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind       text NOT NULL,
    process_id text NOT NULL DEFAULT '',
    task_id    text NOT NULL DEFAULT '',
    params     jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notifications_account ON notifications (account_id, created_at DESC, id DESC);
-- The menu badge counts unread rows on every page.
CREATE INDEX notifications_unread ON notifications (account_id) WHERE read_at IS NULL;

CREATE TABLE webhooks (
    id         bigserial PRIMARY KEY,
    org_id     bigint NOT NULL REFERENCES orgs(id),
    kind       text NOT NULL CHECK (kind IN ('generic', 'dingtalk', 'wecom', 'feishu')),
    url        text NOT NULL,
    secret     text NOT NULL DEFAULT '',
    enabled    boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_org ON webhooks (org_id);

-- What was sent. notification_id is a notifications row for email, and the notify ID (one
-- post per event, not per recipient) for webhooks, so it has no foreign key.
CREATE TABLE deliveries (
    notification_id text NOT NULL,
    channel         text NOT NULL,              -- email | webhook:<id>
    status          text NOT NULL CHECK (status IN ('sent', 'failed')),
    attempts        int NOT NULL DEFAULT 1,
    error           text NOT NULL DEFAULT '',
    at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (notification_id, channel)
);

-- +goose Down
DROP TABLE deliveries, webhooks, notifications;
ALTER TABLE accounts DROP COLUMN email;
