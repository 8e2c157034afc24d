-- +goose Up
-- When each plan version was in force (P3 "the plan in force on any date"): from the moment it
-- came into force until the moment a newer version superseded it, [from, until). A version
-- never in force has neither; the version in force now has no end.
ALTER TABLE plan_versions
    ADD COLUMN in_force_from  timestamptz,
    ADD COLUMN in_force_until timestamptz,
    ADD CONSTRAINT plan_versions_in_force_period
        CHECK (in_force_until IS NULL OR (in_force_from IS NOT NULL AND in_force_until >= in_force_from));

-- Before amendments a term had at most one version ever in force, the one in force now. It came
-- into force with the change that moved its process to the in_force step; should the audit log
-- not have that line, the version's own creation is the best we know.
UPDATE plan_versions v SET in_force_from = COALESCE(
    (SELECT min(a.at) FROM audit_log a WHERE a.term_id = v.term_id AND a.detail->>'step' = 'in_force'),
    v.created_at)
WHERE v.status = 'in_force';

-- The plan in force on a date is looked up per term.
CREATE INDEX plan_versions_in_force ON plan_versions (term_id, in_force_from) WHERE in_force_from IS NOT NULL;

-- +goose Down
DROP INDEX plan_versions_in_force;
ALTER TABLE plan_versions
    DROP CONSTRAINT plan_versions_in_force_period,
    DROP COLUMN in_force_until,
    DROP COLUMN in_force_from;
