-- +goose Up
-- Each person's choice of channels (T6): in-app always; email for each notification, or not;
-- the daily digest of due and overdue tasks, or not. Both on by default, as before.
ALTER TABLE accounts ADD COLUMN notify_email boolean NOT NULL DEFAULT true,
    ADD COLUMN daily_digest boolean NOT NULL DEFAULT true;

-- +goose Down
ALTER TABLE accounts DROP COLUMN notify_email, DROP COLUMN daily_digest;
