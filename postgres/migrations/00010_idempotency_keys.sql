-- +goose Up
-- An Idempotency-Key is bound to who sent it and what they sent (issue 19): the first request
-- under a key records the hash of its action and input; the same key again with another
-- request is refused instead of answered with the first one's result.
CREATE TABLE idempotency_keys (
    process_id text NOT NULL REFERENCES processes(id),
    update_id  text NOT NULL, -- the Temporal update ID: the actor and the key
    action     text NOT NULL,
    body_hash  bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (process_id, update_id)
);

-- +goose Down
DROP TABLE idempotency_keys;
