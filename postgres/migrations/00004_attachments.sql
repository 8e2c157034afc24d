-- +goose Up
-- Attachments (T3): files on a process, kept in PostgreSQL so one backup holds the process and
-- its evidence. The API bounds their size (10 MiB) and checks their type before they get here.
CREATE TABLE attachments (
    id           bigserial PRIMARY KEY,
    process_id   text NOT NULL REFERENCES processes(id),
    step         text NOT NULL DEFAULT '',
    account_id   bigint NOT NULL REFERENCES accounts(id),
    filename     text NOT NULL CHECK (filename <> ''),
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size >= 0),
    sha256       bytea NOT NULL CHECK (length(sha256) = 32),
    data         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_process ON attachments (process_id, id);
-- PDFs, images and Office files are compressed already: store them out of line without
-- trying to compress them again.
ALTER TABLE attachments ALTER COLUMN data SET STORAGE EXTERNAL;

-- +goose Down
DROP TABLE attachments;
