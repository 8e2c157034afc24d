-- +goose Up
-- The department's own code of each org, person, post and term, as its spreadsheets name them
-- (A7): an import matches rows to what exists by it, so importing the same file twice changes
-- nothing.
ALTER TABLE orgs ADD COLUMN import_key text;
ALTER TABLE people ADD COLUMN import_key text;
ALTER TABLE posts ADD COLUMN import_key text;
ALTER TABLE terms ADD COLUMN import_key text;
CREATE UNIQUE INDEX orgs_import_key ON orgs (import_key) WHERE import_key IS NOT NULL;
CREATE UNIQUE INDEX people_import_key ON people (import_key) WHERE import_key IS NOT NULL;
CREATE UNIQUE INDEX posts_import_key ON posts (import_key) WHERE import_key IS NOT NULL;
CREATE UNIQUE INDEX terms_import_key ON terms (import_key) WHERE import_key IS NOT NULL;

-- +goose Down
ALTER TABLE orgs DROP COLUMN import_key;
ALTER TABLE people DROP COLUMN import_key;
ALTER TABLE posts DROP COLUMN import_key;
ALTER TABLE terms DROP COLUMN import_key;
