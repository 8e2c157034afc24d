-- +goose Up
-- Texts that could grow a process without bound (objections to a public notice) are written
-- here before the update that files them; the workflow carries only their id, so its history
-- and its state stay small whatever the public sends (issue 16). ip and at count the
-- submissions per address and per process per day.
CREATE TABLE texts (
    id         text PRIMARY KEY, -- sha256 of the process, the update key and the content
    process_id text NOT NULL REFERENCES processes(id),
    content    text NOT NULL,
    ip         text NOT NULL DEFAULT '',
    at         timestamptz NOT NULL
);
CREATE INDEX texts_process_at ON texts (process_id, at);

-- +goose Down
DROP TABLE texts;
