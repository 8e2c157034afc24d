-- +goose Up
-- The inbox (T1) at a million tasks: each box reads one account's slice of a partial index in
-- the order of its default sort, so a page costs a few index pages whatever the table's size.
CREATE INDEX tasks_todo ON tasks (account_id, due_on, id) WHERE status = 'open';
CREATE INDEX tasks_done ON tasks (account_id, done_at DESC, id DESC) WHERE status <> 'open';
-- tasks_todo and tasks_done cover every query tasks_inbox served.
DROP INDEX tasks_inbox;

-- Processes copied to an account (抄送). The key keeps a copy from being written twice.
CREATE TABLE copies (
    process_id text NOT NULL REFERENCES processes(id),
    account_id bigint NOT NULL REFERENCES accounts(id),
    by_name    text NOT NULL DEFAULT '',
    note       text NOT NULL DEFAULT '',
    at         timestamptz NOT NULL,
    read_at    timestamptz,
    PRIMARY KEY (process_id, account_id)
);
CREATE INDEX copies_inbox ON copies (account_id, at DESC, process_id);
CREATE INDEX copies_unread ON copies (account_id) WHERE read_at IS NULL;

-- +goose Down
DROP TABLE copies;
CREATE INDEX tasks_inbox ON tasks (account_id, status, due_on);
DROP INDEX tasks_todo, tasks_done;
