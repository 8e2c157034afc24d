-- +goose Up
-- A year of the working-day calendar entered or corrected by an administrator names where its
-- schedule comes from (the State Council's notice, A4) and who entered it.
ALTER TABLE calendar_years
    ADD COLUMN source   text NOT NULL DEFAULT '',
    ADD COLUMN added_by text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE calendar_years DROP COLUMN source, DROP COLUMN added_by;
