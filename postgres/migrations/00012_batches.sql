-- +goose Up
-- A batch over many processes (issue 21) runs in the background as a Temporal workflow; these
-- rows are its progress for the page that follows it. Each chunk of processes records its
-- counts once (a retried chunk overwrites its own row), so the sums never count twice.
CREATE TABLE batches (
    id          text PRIMARY KEY,
    action      text NOT NULL,
    actor_id    bigint,
    actor_name  text NOT NULL,
    ip          text NOT NULL DEFAULT '',
    total       int NOT NULL,
    status      text NOT NULL DEFAULT 'running', -- running, done
    detail      jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);

CREATE TABLE batch_chunks (
    batch_id text NOT NULL REFERENCES batches(id),
    chunk    int NOT NULL,
    done     int NOT NULL,
    failed   int NOT NULL,
    PRIMARY KEY (batch_id, chunk)
);

-- +goose Down
DROP TABLE batch_chunks;
DROP TABLE batches;
