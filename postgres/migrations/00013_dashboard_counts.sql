-- +goose Up
-- The dashboard (A1, issue 21) answers in milliseconds over 100,000 processes and 1,000,000
-- tasks: what it groups is counted as the read model is written, by triggers in the same
-- transaction (so an undone change undoes its counts too), and partial indexes serve the
-- counts that depend on the day (overdue, stuck), which no stored count can hold.

-- The running processes per org, kind, step and template ('<template id>:<version it started
-- with>', the version empty when the process does not say).
CREATE TABLE process_counts (
    org_id   bigint NOT NULL,
    kind     text NOT NULL,
    step     text NOT NULL,
    template text NOT NULL,
    n        int NOT NULL,
    PRIMARY KEY (org_id, kind, step, template)
);

-- +goose StatementBegin
CREATE FUNCTION process_template(p processes) RETURNS text AS $$
    SELECT COALESCE((SELECT template_id::text FROM terms WHERE id = p.term_id), '') || ':' ||
        COALESCE(p.state->'template'->>'version', '')
$$ LANGUAGE sql STABLE;
-- +goose StatementEnd

-- A change of an org's counts first takes a transaction-scoped advisory lock on the org: a
-- write that undoes a discarded change touches the org's count rows in the opposite order to a
-- plain write of another process (notice before approval, and approval before notice), and
-- without the lock the two deadlock. With it such writes queue.
-- +goose StatementBegin
CREATE FUNCTION lock_org_counts(org bigint) RETURNS void AS $$
    SELECT pg_advisory_xact_lock(hashtext('termgoal.dashboard_counts'), hashint8(org))
$$ LANGUAGE sql;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION count_process() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'running' THEN
        PERFORM lock_org_counts(OLD.org_id);
        UPDATE process_counts SET n = n - 1
        WHERE org_id = OLD.org_id AND kind = OLD.kind AND step = OLD.step AND template = process_template(OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'running' THEN
        PERFORM lock_org_counts(NEW.org_id);
        INSERT INTO process_counts (org_id, kind, step, template, n) VALUES (NEW.org_id, NEW.kind, NEW.step, process_template(NEW), 1)
        ON CONFLICT (org_id, kind, step, template) DO UPDATE SET n = process_counts.n + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER processes_count AFTER INSERT OR DELETE ON processes FOR EACH ROW EXECUTE FUNCTION count_process();
-- Most writes change neither the step nor the status: they leave the counts alone.
CREATE TRIGGER processes_count_update AFTER UPDATE ON processes FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.step IS DISTINCT FROM NEW.step OR OLD.org_id IS DISTINCT FROM NEW.org_id
        OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.term_id IS DISTINCT FROM NEW.term_id
        OR OLD.state->'template' IS DISTINCT FROM NEW.state->'template')
    EXECUTE FUNCTION count_process();

INSERT INTO process_counts (org_id, kind, step, template, n)
    SELECT org_id, kind, step, process_template(p), count(*) FROM processes p WHERE status = 'running' GROUP BY 1, 2, 3, 4;

-- The steps ended per org and step, by the China days each began and ended on: a step begins
-- when the one before it ended, the first when its process started.
CREATE TABLE step_spans (
    org_id   bigint NOT NULL,
    step     text NOT NULL,
    from_day date NOT NULL,
    to_day   date NOT NULL,
    n        int NOT NULL,
    PRIMARY KEY (org_id, step, from_day, to_day)
);

-- +goose StatementBegin
CREATE FUNCTION count_step_span() RETURNS trigger AS $$
DECLARE
    r process_steps := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    org bigint;
    began timestamptz;
BEGIN
    SELECT p.org_id, COALESCE((SELECT max(ps.at) FROM process_steps ps WHERE ps.process_id = r.process_id AND ps.seq < r.seq), p.started_at)
        INTO org, began FROM processes p WHERE p.id = r.process_id;
    IF org IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM lock_org_counts(org);
    INSERT INTO step_spans (org_id, step, from_day, to_day, n)
    VALUES (org, r.step, (began AT TIME ZONE 'Asia/Shanghai')::date, (r.at AT TIME ZONE 'Asia/Shanghai')::date,
            CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END)
    ON CONFLICT (org_id, step, from_day, to_day) DO UPDATE SET n = step_spans.n + EXCLUDED.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER process_steps_span AFTER INSERT OR DELETE ON process_steps FOR EACH ROW EXECUTE FUNCTION count_step_span();

INSERT INTO step_spans (org_id, step, from_day, to_day, n)
    SELECT org_id, step, from_day, to_day, count(*) FROM (
        SELECT p.org_id, ps.step,
            (COALESCE(lag(ps.at) OVER (PARTITION BY ps.process_id ORDER BY ps.seq), p.started_at) AT TIME ZONE 'Asia/Shanghai')::date AS from_day,
            (ps.at AT TIME ZONE 'Asia/Shanghai')::date AS to_day
        FROM process_steps ps JOIN processes p ON p.id = ps.process_id) s
    GROUP BY 1, 2, 3, 4;

-- The counts that depend on the day.
CREATE INDEX processes_running_due ON processes (org_id, step_due_on) WHERE status = 'running';
CREATE INDEX processes_running_updated ON processes (org_id, updated_at) WHERE status = 'running';
CREATE INDEX tasks_open_due ON tasks (org_id, due_on) WHERE status = 'open';

-- +goose Down
DROP INDEX tasks_open_due;
DROP INDEX processes_running_updated;
DROP INDEX processes_running_due;
DROP TRIGGER process_steps_span ON process_steps;
DROP FUNCTION count_step_span();
DROP TABLE step_spans;
DROP TRIGGER processes_count_update ON processes;
DROP TRIGGER processes_count ON processes;
DROP FUNCTION count_process();
DROP FUNCTION lock_org_counts(bigint);
DROP FUNCTION process_template(processes);
DROP TABLE process_counts;
