-- +goose Up
-- Appraisals and progress (DOMAIN.md "Appraisal", "Following the goals"): one row per appraisal
-- process, current as it moves and archived at its end. grade and score repeat the result's, so
-- quotas, lists and the results in use filter on columns. campaign_id has no foreign key: the
-- workflow writes it as it was started, and a row must never fail on it.
CREATE TABLE appraisals (
    process_id   text PRIMARY KEY REFERENCES processes(id),
    term_id      bigint NOT NULL REFERENCES terms(id),
    org_id       bigint NOT NULL REFERENCES orgs(id),
    kind         text NOT NULL,
    year         int NOT NULL DEFAULT 0,
    period_from  date,
    period_to    date,
    campaign_id  bigint,
    holder       text NOT NULL DEFAULT '',
    scale        text NOT NULL DEFAULT '',
    self         jsonb,
    result       jsonb,
    appeal       jsonb,
    grade        text NOT NULL DEFAULT '',
    score        numeric,
    status       text NOT NULL,
    archived_at  timestamptz,
    consequences jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(consequences) = 'array'),
    updated_at   timestamptz NOT NULL
);
-- A quota round is one kind and year under one parent org.
CREATE INDEX appraisals_round ON appraisals (kind, year, org_id);
CREATE INDEX appraisals_term ON appraisals (term_id);

-- Named raters' scoring sheets; anonymous ballots keep no sheet.
CREATE TABLE score_sheets (
    process_id text NOT NULL REFERENCES processes(id),
    account_id bigint NOT NULL,
    grp        text NOT NULL,
    name       text NOT NULL,
    scores     jsonb NOT NULL,
    comment    text NOT NULL DEFAULT '',
    at         timestamptz NOT NULL,
    PRIMARY KEY (process_id, account_id)
);

-- One-time codes of anonymous ballots, by the hex sha256 of the code: the code itself is never
-- stored, and nothing links a used code to who voted with it.
CREATE TABLE ballot_codes (
    code_hash  text PRIMARY KEY CHECK (code_hash ~ '^[0-9a-f]{64}$'),
    process_id text NOT NULL REFERENCES processes(id),
    grp        text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz
);
CREATE INDEX ballot_codes_process ON ballot_codes (process_id);

CREATE TABLE progress_reports (
    process_id text PRIMARY KEY REFERENCES processes(id),
    term_id    bigint NOT NULL REFERENCES terms(id),
    kind       text NOT NULL,
    year       int NOT NULL,
    period     text NOT NULL,
    entries    jsonb NOT NULL,
    summary    text NOT NULL DEFAULT '',
    lagging    jsonb NOT NULL DEFAULT '[]',
    at         timestamptz NOT NULL
);
CREATE INDEX progress_reports_term ON progress_reports (term_id, at);

-- Holders who left mid-term and their successors (P10). The unique index makes a retried
-- handover record nothing new.
CREATE TABLE handovers (
    id             bigserial PRIMARY KEY,
    term_id        bigint NOT NULL REFERENCES terms(id),
    from_person_id bigint NOT NULL REFERENCES people(id),
    to_person_id   bigint NOT NULL REFERENCES people(id),
    on_date        date NOT NULL,
    reason         text NOT NULL DEFAULT '',
    appraisal_id   text NOT NULL DEFAULT '',
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (from_person_id <> to_person_id)
);
CREATE UNIQUE INDEX handovers_once ON handovers (term_id, to_person_id, on_date);

-- A Temporal Schedule's campaign is created once per year: the schedule's runs of a year find
-- the row the first one made.
ALTER TABLE campaigns
    ADD COLUMN year        int NOT NULL DEFAULT 0,
    ADD COLUMN schedule_id text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX campaigns_schedule_year ON campaigns (schedule_id, year) WHERE schedule_id <> '';

-- +goose Down
DROP INDEX campaigns_schedule_year;
ALTER TABLE campaigns DROP COLUMN schedule_id, DROP COLUMN year;
DROP TABLE handovers, progress_reports, ballot_codes, score_sheets, appraisals;
