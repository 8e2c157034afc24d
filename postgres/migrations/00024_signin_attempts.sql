-- +goose Up
-- Sign-in attempts (S6), kept here so the limits hold across restarts and serve processes: per
-- username and address (every attempt, reserved before the password is checked, so concurrent
-- guesses never check more than the limit) and per address (failures only).
CREATE TABLE signin_attempts (
    key      text PRIMARY KEY,
    attempts integer NOT NULL,
    since    timestamptz NOT NULL
);

-- +goose Down
DROP TABLE signin_attempts;
