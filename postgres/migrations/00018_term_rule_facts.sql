-- +goose Up
-- The facts the term rules' exceptions read (DOMAIN.md "Term rules"): a non-party cadre
-- (党外干部), a specialist post (专业性较强的岗位), a people's congress or political
-- consultative post (人大、政协岗位). The dates they held are the dates of the terms in them.
ALTER TABLE people ADD COLUMN non_party boolean NOT NULL DEFAULT false;
ALTER TABLE posts ADD COLUMN specialist boolean NOT NULL DEFAULT false,
    ADD COLUMN congress boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE posts DROP COLUMN congress, DROP COLUMN specialist;
ALTER TABLE people DROP COLUMN non_party;
