-- +goose Up
-- Policy tables (DOMAIN.md "Term rules"): one JSON document per policy name, e.g. the term
-- rules under 'term_rules'. No row means the built-in defaults (termgoal.DefaultPolicy).
CREATE TABLE policies (
    name       text PRIMARY KEY,
    value      jsonb NOT NULL CHECK (jsonb_typeof(value) = 'object'),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by bigint REFERENCES accounts(id)
);

-- A person's history (all their terms) is read per person.
CREATE INDEX terms_person ON terms (person_id) WHERE person_id IS NOT NULL;

-- +goose Down
DROP INDEX terms_person;
DROP TABLE policies;
