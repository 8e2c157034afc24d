-- +goose Up
-- The fast write path (docs/architecture.md): a workflow writes its read model from inside the
-- workflow task, so a task the server discards can leave rows behind. Every write is keyed by
-- the process's change sequence; the rows a change touches are journalled with their former
-- content, and the next write that builds on an earlier sequence undoes what lies beyond it.

-- Where the read model of a process stands: the last change sequence written and the
-- workflow task (its history length) that wrote it.
ALTER TABLE processes ADD COLUMN seq int NOT NULL DEFAULT 0, ADD COLUMN task bigint NOT NULL DEFAULT 0;

-- Audit lines written by a workflow task stay unconfirmed until a later task builds on them
-- (or the run closes): until then they can be undone, after that never.
ALTER TABLE audit_log ADD COLUMN change_seq int, ADD COLUMN change_task bigint,
    ADD COLUMN confirmed boolean NOT NULL DEFAULT true;
CREATE INDEX audit_unconfirmed ON audit_log (process_id, change_seq) WHERE NOT confirmed;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    -- An unconfirmed line may be undone or confirmed, nothing else; a confirmed one never changes.
    IF TG_OP = 'DELETE' AND NOT OLD.confirmed THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND NOT OLD.confirmed AND NEW.confirmed
        AND to_jsonb(NEW) - 'confirmed' = to_jsonb(OLD) - 'confirmed' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- One row per row a change inserted or updated, with its content before (NULL: inserted).
-- keycols name the row's key, so the undo finds it again.
CREATE TABLE change_journal (
    id         bigserial PRIMARY KEY,
    process_id text NOT NULL,
    seq        int NOT NULL,
    task       bigint NOT NULL,
    tbl        text NOT NULL,
    keycols    text[] NOT NULL,
    old_row    jsonb,
    new_row    jsonb NOT NULL
);
CREATE INDEX change_journal_process ON change_journal (process_id, seq);

-- +goose StatementBegin
CREATE FUNCTION journal_change() RETURNS trigger AS $$
DECLARE
    p text := current_setting('termgoal.process', true);
BEGIN
    -- Only the writes of a change set termgoal.process (SET LOCAL); others are not journalled.
    IF p IS NULL OR p = '' THEN
        RETURN NULL;
    END IF;
    INSERT INTO change_journal (process_id, seq, task, tbl, keycols, old_row, new_row)
    VALUES (p, current_setting('termgoal.seq')::int, current_setting('termgoal.task')::bigint, TG_TABLE_NAME, TG_ARGV,
            CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) END, to_jsonb(NEW));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- undo_changes restores every row the changes of process p after sequence base touched, newest
-- first (so foreign keys hold), and forgets their journal.
-- +goose StatementBegin
CREATE FUNCTION undo_changes(p text, base int) RETURNS int AS $$
DECLARE
    j record;
    cond text;
    cols text;
    vals text;
    n int := 0;
BEGIN
    PERFORM set_config('termgoal.process', '', true);
    FOR j IN SELECT * FROM change_journal WHERE process_id = p AND seq > base ORDER BY id DESC LOOP
        SELECT string_agg(format('t.%1$I = r.%1$I', c), ' AND ') INTO cond FROM unnest(j.keycols) c;
        IF j.old_row IS NULL THEN
            EXECUTE format('DELETE FROM %I t USING jsonb_populate_record(NULL::%I, $1) r WHERE %s', j.tbl, j.tbl, cond)
                USING j.new_row;
        ELSE
            SELECT string_agg(format('%I', k), ', '), string_agg(format('r.%I', k), ', ') INTO cols, vals
                FROM jsonb_object_keys(j.old_row) k;
            EXECUTE format('UPDATE %I t SET (%s) = ROW(%s) FROM jsonb_populate_record(NULL::%I, $1) r WHERE %s',
                j.tbl, cols, vals, j.tbl, cond) USING j.old_row;
        END IF;
        n := n + 1;
    END LOOP;
    DELETE FROM change_journal WHERE process_id = p AND seq > base;
    RETURN n;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER journal AFTER INSERT OR UPDATE ON processes FOR EACH ROW EXECUTE FUNCTION journal_change('id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION journal_change('id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON terms FOR EACH ROW EXECUTE FUNCTION journal_change('id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON plan_versions FOR EACH ROW EXECUTE FUNCTION journal_change('term_id', 'version');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON plan_items FOR EACH ROW EXECUTE FUNCTION journal_change('term_id', 'version', 'pos');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON process_steps FOR EACH ROW EXECUTE FUNCTION journal_change('process_id', 'seq');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON opinions FOR EACH ROW EXECUTE FUNCTION journal_change('process_id', 'seq');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON reviews FOR EACH ROW EXECUTE FUNCTION journal_change('process_id', 'account_id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON votes FOR EACH ROW EXECUTE FUNCTION journal_change('process_id', 'round', 'account_id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON notices FOR EACH ROW EXECUTE FUNCTION journal_change('process_id', 'round');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON objections FOR EACH ROW EXECUTE FUNCTION journal_change('process_id', 'seq');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON copies FOR EACH ROW EXECUTE FUNCTION journal_change('process_id', 'account_id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON appraisals FOR EACH ROW EXECUTE FUNCTION journal_change('process_id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON score_sheets FOR EACH ROW EXECUTE FUNCTION journal_change('process_id', 'account_id');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON ballot_codes FOR EACH ROW EXECUTE FUNCTION journal_change('code_hash');
CREATE TRIGGER journal AFTER INSERT OR UPDATE ON progress_reports FOR EACH ROW EXECUTE FUNCTION journal_change('process_id');
-- The audit line: inserted only, confirmed later (the confirming update is not journalled).
CREATE TRIGGER journal AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION journal_change('id');

-- +goose Down
DROP TRIGGER journal ON processes; DROP TRIGGER journal ON tasks; DROP TRIGGER journal ON terms;
DROP TRIGGER journal ON plan_versions; DROP TRIGGER journal ON plan_items; DROP TRIGGER journal ON process_steps;
DROP TRIGGER journal ON opinions; DROP TRIGGER journal ON reviews; DROP TRIGGER journal ON votes;
DROP TRIGGER journal ON notices; DROP TRIGGER journal ON objections; DROP TRIGGER journal ON copies;
DROP TRIGGER journal ON appraisals; DROP TRIGGER journal ON score_sheets; DROP TRIGGER journal ON ballot_codes;
DROP TRIGGER journal ON progress_reports; DROP TRIGGER journal ON audit_log;
DROP FUNCTION undo_changes(text, int);
DROP FUNCTION journal_change();
DROP TABLE change_journal;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
DROP INDEX audit_unconfirmed;
ALTER TABLE audit_log DROP COLUMN change_seq, DROP COLUMN change_task, DROP COLUMN confirmed;
ALTER TABLE processes DROP COLUMN seq, DROP COLUMN task;
