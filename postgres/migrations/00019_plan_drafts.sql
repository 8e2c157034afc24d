-- +goose Up
-- What a drafter has typed into the plan editor and not yet submitted (issue 25): kept per
-- task, so a reload or a closed tab loses nothing; removed when the draft is submitted.
CREATE TABLE plan_drafts (
    task_id    text PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    form       jsonb NOT NULL,
    saved_at   timestamptz NOT NULL
);

-- +goose Down
DROP TABLE plan_drafts;
