-- +goose Up
CREATE TABLE orgs (
    id        bigserial PRIMARY KEY,
    parent_id bigint REFERENCES orgs(id),
    name      text NOT NULL,
    type      text NOT NULL,
    path      text NOT NULL DEFAULT ''        -- '/1/4/9/': a subtree is a prefix
);
CREATE INDEX orgs_path ON orgs (path text_pattern_ops);

CREATE TABLE people (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    gender     text NOT NULL DEFAULT '',
    birth_date date
);

CREATE TABLE posts (
    id        bigserial PRIMARY KEY,
    org_id    bigint NOT NULL REFERENCES orgs(id),
    title     text NOT NULL,
    rank      text NOT NULL DEFAULT '',
    principal boolean NOT NULL DEFAULT false
);

CREATE TABLE templates (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    org_type   text NOT NULL DEFAULT '',
    version    int NOT NULL DEFAULT 1,
    config     jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE terms (
    id              bigserial PRIMARY KEY,
    org_id          bigint NOT NULL REFERENCES orgs(id),
    holder_kind     text NOT NULL,
    person_id       bigint REFERENCES people(id),
    post_id         bigint REFERENCES posts(id),
    appointment     text NOT NULL,
    probation_start date,
    start_on        date NOT NULL,
    end_on          date NOT NULL,
    template_id     bigint NOT NULL REFERENCES templates(id),
    process_id      text,
    status          text NOT NULL DEFAULT 'registered',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX terms_org ON terms (org_id);

CREATE TABLE accounts (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    display_name  text NOT NULL,
    person_id     bigint REFERENCES people(id),
    lang          text NOT NULL DEFAULT 'zh-CN',
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE grants (
    account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    role       text NOT NULL,
    org_id     bigint NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (account_id, role, org_id)
);
CREATE INDEX grants_role_org ON grants (role, org_id);

CREATE TABLE api_tokens (
    token_hash bytea PRIMARY KEY,               -- sha256 of the token; the token itself is never stored
    account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

-- alexedwards/scs postgresstore
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Read model written by workflows through activities.
CREATE TABLE processes (
    id          text PRIMARY KEY,
    kind        text NOT NULL,
    term_id     bigint NOT NULL REFERENCES terms(id),
    org_id      bigint NOT NULL REFERENCES orgs(id),
    step        text NOT NULL,
    status      text NOT NULL,
    version     int NOT NULL DEFAULT 0,
    deadline_on date NOT NULL,
    step_due_on date,
    state       jsonb NOT NULL DEFAULT '{}',
    started_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX processes_org ON processes (org_id, status);

CREATE TABLE tasks (
    id         text PRIMARY KEY,
    process_id text NOT NULL REFERENCES processes(id),
    term_id    bigint NOT NULL,
    org_id     bigint NOT NULL,
    step       text NOT NULL,
    kind       text NOT NULL,
    account_id bigint NOT NULL REFERENCES accounts(id),
    status     text NOT NULL,
    outcome    text NOT NULL DEFAULT '',
    due_on     date NOT NULL,
    created_at timestamptz NOT NULL,
    done_at    timestamptz
);
CREATE INDEX tasks_inbox ON tasks (account_id, status, due_on);
CREATE INDEX tasks_process ON tasks (process_id);

CREATE TABLE plan_versions (
    term_id    bigint NOT NULL REFERENCES terms(id),
    version    int NOT NULL,
    step       text NOT NULL,
    status     text NOT NULL,
    note       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    PRIMARY KEY (term_id, version)
);

CREATE TABLE plan_items (
    term_id      bigint NOT NULL,
    version      int NOT NULL,
    pos          int NOT NULL,
    category     text NOT NULL,
    title        text NOT NULL,
    description  text NOT NULL DEFAULT '',
    quantitative boolean NOT NULL,
    unit         text NOT NULL DEFAULT '',
    targets      jsonb NOT NULL,
    weight       numeric NOT NULL,
    owner        text NOT NULL,
    evidence     text NOT NULL DEFAULT '',
    PRIMARY KEY (term_id, version, pos),
    FOREIGN KEY (term_id, version) REFERENCES plan_versions(term_id, version)
);

-- The version of the plan each step saw, and how the step ended.
CREATE TABLE process_steps (
    process_id text NOT NULL REFERENCES processes(id),
    seq        int NOT NULL,
    step       text NOT NULL,
    version    int NOT NULL,
    outcome    text NOT NULL,
    at         timestamptz NOT NULL,
    PRIMARY KEY (process_id, seq)
);

CREATE TABLE opinions (
    process_id  text NOT NULL REFERENCES processes(id),
    seq         int NOT NULL,
    author_id   bigint NOT NULL,
    author_name text NOT NULL,
    content     text NOT NULL,
    at          timestamptz NOT NULL,
    disposition text NOT NULL DEFAULT '',
    reason      text NOT NULL DEFAULT '',
    PRIMARY KEY (process_id, seq)
);

CREATE TABLE reviews (
    process_id text NOT NULL REFERENCES processes(id),
    account_id bigint NOT NULL,
    name       text NOT NULL,
    feasible   boolean NOT NULL,
    comment    text NOT NULL DEFAULT '',
    PRIMARY KEY (process_id, account_id)
);

CREATE TABLE votes (
    process_id text NOT NULL REFERENCES processes(id),
    round      int NOT NULL,
    account_id bigint NOT NULL,
    name       text NOT NULL,
    choice     text NOT NULL,
    PRIMARY KEY (process_id, round, account_id)
);

CREATE TABLE notices (
    process_id text NOT NULL REFERENCES processes(id),
    round      int NOT NULL,
    term_id    bigint NOT NULL,
    org_id     bigint NOT NULL,
    title      text NOT NULL,
    version    int NOT NULL,
    starts_on  date NOT NULL,
    ends_on    date NOT NULL,
    status     text NOT NULL,
    PRIMARY KEY (process_id, round)
);
CREATE INDEX notices_open ON notices (status, ends_on);

CREATE TABLE objections (
    process_id  text NOT NULL,
    seq         int NOT NULL,
    round       int NOT NULL,
    author_id   bigint,
    author_name text NOT NULL DEFAULT '',
    anonymous   boolean NOT NULL,
    content     text NOT NULL,
    at          timestamptz NOT NULL,
    resolution  text NOT NULL DEFAULT '',
    reason      text NOT NULL DEFAULT '',
    PRIMARY KEY (process_id, seq),
    FOREIGN KEY (process_id, round) REFERENCES notices(process_id, round)
);

-- Change IDs already written, so an activity retried after a timeout writes nothing twice.
CREATE TABLE applied_changes (
    id text PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor_id   bigint,
    actor_name text NOT NULL,
    ip         text NOT NULL DEFAULT '',
    action     text NOT NULL,
    process_id text,
    term_id    bigint,
    detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_process ON audit_log (process_id, id);
CREATE INDEX audit_term ON audit_log (term_id, id);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Working-day calendar corrections entered by an administrator (A4).
CREATE TABLE calendar_days (
    day     date PRIMARY KEY,
    working boolean NOT NULL,
    name    text NOT NULL DEFAULT ''
);
CREATE TABLE calendar_years (
    year     int PRIMARY KEY,
    added_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE calendar_years, calendar_days, audit_log, applied_changes, objections, notices, votes,
    reviews, opinions, process_steps, plan_items, plan_versions, tasks, processes, sessions,
    api_tokens, grants, accounts, terms, templates, posts, people, orgs;
DROP FUNCTION audit_log_append_only();
