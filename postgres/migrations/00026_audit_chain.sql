-- +goose Up
-- The audit log hash-chained (S4): each confirmed line is sealed into the chain of its process
-- (lines of no process: the chain 'global') with its place in it (chain_seq), the hash of the
-- line before it (prev_hash) and its own hash: SHA-256 of prev_hash and the line's canonical
-- text (audit_canonical). A chain per process, not one for all: the lines of one process are
-- written one after another anyway, so sealing them makes no process wait for another, and a
-- process's lines (a term's archive) can be checked on their own. audit_chains holds each
-- chain's last place and hash, so lines removed from a chain's end are found too.
-- `termgoal audit verify` recomputes every chain (postgres.Store.VerifyAudit).
ALTER TABLE audit_log ADD COLUMN chain text, ADD COLUMN chain_seq bigint, ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;
CREATE UNIQUE INDEX audit_chain_seq ON audit_log (chain, chain_seq);
CREATE TABLE audit_chains (
    chain text PRIMARY KEY,
    seq   bigint NOT NULL,
    hash  bytea NOT NULL
);

-- The text a line's hash covers: every column but the seal's own, one per line, the time in UTC
-- to the microsecond and the detail as PostgreSQL writes a jsonb value (postgres.auditCanonical
-- builds the same).
-- +goose StatementBegin
CREATE FUNCTION audit_canonical(r audit_log) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(E'\n', r.chain, r.chain_seq::text, r.id::text,
        to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), coalesce(r.actor_id::text, ''),
        r.actor_name, r.ip, r.action, coalesce(r.process_id, ''), coalesce(r.term_id::text, ''), r.detail::text)
$$;
-- +goose StatementEnd

-- audit_seal_row gives line r the next place in its chain, holding the chain's head locked to
-- the end of the transaction, so concurrent lines of one chain take their places in turn.
-- +goose StatementBegin
CREATE FUNCTION audit_seal_row(r audit_log) RETURNS audit_log AS $$
DECLARE
    head audit_chains;
BEGIN
    r.chain := coalesce(r.process_id, 'global');
    INSERT INTO audit_chains (chain, seq, hash) VALUES (r.chain, 0, '\x'::bytea) ON CONFLICT (chain) DO NOTHING;
    SELECT * INTO head FROM audit_chains WHERE chain = r.chain FOR UPDATE;
    r.chain_seq := head.seq + 1;
    r.prev_hash := head.hash;
    r.hash := sha256(head.hash || convert_to(audit_canonical(r), 'UTF8'));
    UPDATE audit_chains SET seq = r.chain_seq, hash = r.hash WHERE chain = r.chain;
    RETURN r;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- A line is sealed when it is written confirmed, or when it is confirmed (a workflow task's
-- lines, once a later task builds on them); an unconfirmed line stays out of the chain, since it
-- may still be undone.
-- +goose StatementBegin
CREATE FUNCTION audit_seal() RETURNS trigger AS $$
BEGIN
    IF NEW.confirmed AND (TG_OP = 'INSERT' OR NOT OLD.confirmed) THEN
        NEW := audit_seal_row(NEW);
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER audit_log_seal BEFORE INSERT OR UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_seal();

-- Append-only as before, now also against TRUNCATE; confirming a line may set its seal.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND NOT OLD.confirmed THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND NOT OLD.confirmed AND NEW.confirmed
        AND to_jsonb(NEW) - '{confirmed,chain,chain_seq,prev_hash,hash}'::text[]
            = to_jsonb(OLD) - '{confirmed,chain,chain_seq,prev_hash,hash}'::text[] THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_chains_no_truncate BEFORE TRUNCATE ON audit_chains FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The lines written so far are sealed in the order they were written.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;
-- +goose StatementBegin
DO $$
DECLARE
    r audit_log;
BEGIN
    FOR r IN SELECT * FROM audit_log WHERE confirmed ORDER BY id LOOP
        r := audit_seal_row(r);
        UPDATE audit_log SET chain = r.chain, chain_seq = r.chain_seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
    END LOOP;
END;
$$;
-- +goose StatementEnd
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change;

-- +goose Down
DROP TRIGGER audit_chains_no_truncate ON audit_chains;
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TRIGGER audit_log_seal ON audit_log;
DROP FUNCTION audit_seal();
DROP FUNCTION audit_seal_row(audit_log);
DROP FUNCTION audit_canonical(audit_log);
DROP TABLE audit_chains;
DROP INDEX audit_chain_seq;
ALTER TABLE audit_log DROP COLUMN chain, DROP COLUMN chain_seq, DROP COLUMN prev_hash, DROP COLUMN hash;
