-- +goose Up
-- The failed deliveries an administrator lists (and the dashboard counts) among every delivery
-- ever made: a partial index keeps that to the few that failed.
CREATE INDEX deliveries_failed ON deliveries (at DESC) WHERE status = 'failed';

-- +goose Down
DROP INDEX deliveries_failed;
