-- +goose Up
-- Browser sessions (S1). scs keeps each session's data in sessions under the SHA-256 of its
-- token, never the token itself (postgres.Store.SessionStore); the sessions stored so far, under
-- their tokens, are dropped: everyone signs in again. account_sessions names each session's
-- account, so that an administrator can list and end an account's sessions, and a new password
-- or a disabled account ends them all.
DELETE FROM sessions;
CREATE TABLE account_sessions (
    id           bigserial PRIMARY KEY,            -- how a session is named to people; never its token
    token        text NOT NULL UNIQUE,             -- the key of its row in sessions
    account_id   bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    ip           text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT ''
);
CREATE INDEX account_sessions_account ON account_sessions (account_id);
-- A disabled account cannot sign in, and its sessions and tokens end.
ALTER TABLE accounts ADD COLUMN disabled_at timestamptz;

-- +goose Down
ALTER TABLE accounts DROP COLUMN disabled_at;
DROP TABLE account_sessions;
