-- +goose Up
CREATE TABLE campaigns (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL,
    kind        text NOT NULL,
    org_id      bigint NOT NULL REFERENCES orgs(id),
    status      text NOT NULL DEFAULT 'running',
    started     int NOT NULL DEFAULT 0,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX terms_without_process ON terms (org_id, id) WHERE process_id IS NULL;

-- +goose Down
DROP INDEX terms_without_process;
DROP TABLE campaigns;
