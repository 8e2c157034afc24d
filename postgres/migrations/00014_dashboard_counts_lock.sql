-- +goose Up
-- The dashboard's counts (migration 00013) without lock-order deadlocks: a write that undoes a
-- discarded change touches the count rows of its org in the opposite order to a plain write of
-- another process in the same org (notice before approval, and approval before notice). Every
-- change of an org's counts now first takes one transaction-scoped advisory lock per org, so
-- such writes queue instead of deadlocking.

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION lock_org_counts(org bigint) RETURNS void AS $$
    SELECT pg_advisory_xact_lock(hashtext('termgoal.dashboard_counts'), hashint8(org))
$$ LANGUAGE sql;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION count_process() RETURNS trigger AS $$
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION count_step_span() RETURNS trigger AS $$
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

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION count_process() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'running' THEN
        UPDATE process_counts SET n = n - 1
        WHERE org_id = OLD.org_id AND kind = OLD.kind AND step = OLD.step AND template = process_template(OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'running' THEN
        INSERT INTO process_counts (org_id, kind, step, template, n) VALUES (NEW.org_id, NEW.kind, NEW.step, process_template(NEW), 1)
        ON CONFLICT (org_id, kind, step, template) DO UPDATE SET n = process_counts.n + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION count_step_span() RETURNS trigger AS $$
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
    INSERT INTO step_spans (org_id, step, from_day, to_day, n)
    VALUES (org, r.step, (began AT TIME ZONE 'Asia/Shanghai')::date, (r.at AT TIME ZONE 'Asia/Shanghai')::date,
            CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END)
    ON CONFLICT (org_id, step, from_day, to_day) DO UPDATE SET n = step_spans.n + EXCLUDED.n;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

DROP FUNCTION lock_org_counts(bigint);
