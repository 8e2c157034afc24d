-- +goose Up
-- The second factor (S1): a TOTP secret (RFC 6238) per account, in force once confirmed with a
-- first code, and single-use recovery codes kept as SHA-256 (they are random, 50 bits each).
-- last_step is the time step of the last code accepted: a code is good once.
CREATE TABLE account_totp (
    account_id   bigint PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    secret       text NOT NULL,               -- base32, as the authenticator app holds it
    created_at   timestamptz NOT NULL DEFAULT now(),
    enabled_at   timestamptz,                 -- null while enrolling
    last_step    bigint NOT NULL DEFAULT 0
);
CREATE TABLE account_recovery_codes (
    account_id   bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    code_hash    bytea NOT NULL,
    used_at      timestamptz,
    PRIMARY KEY (account_id, code_hash)
);

-- +goose Down
DROP TABLE account_recovery_codes;
DROP TABLE account_totp;
