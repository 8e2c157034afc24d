-- +goose Up
-- The plan version a drafter made after adopting an opinion (or part of it), 0 while the
-- opinion waits for one (issue 25).
ALTER TABLE opinions ADD COLUMN revised_in int NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE opinions DROP COLUMN revised_in;
