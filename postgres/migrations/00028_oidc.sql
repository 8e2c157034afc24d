-- +goose Up
-- OIDC sign-in (S1): the identity (issuer and subject) an account signed in with the first
-- time, matched then by its provider-verified email; later sign-ins match the identity alone.
ALTER TABLE accounts ADD COLUMN oidc_subject text UNIQUE;

-- +goose Down
ALTER TABLE accounts DROP COLUMN oidc_subject;
