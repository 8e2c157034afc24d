-- +goose Up
-- Every saved version of a template is kept (A5), so an administrator sees how a template
-- changed and compares any two versions; running processes keep the snapshot they took. A
-- trigger writes the row whenever a template is created or saved, whoever saves it.
CREATE TABLE template_versions (
    template_id bigint NOT NULL REFERENCES templates(id),
    version     int NOT NULL,
    name        text NOT NULL,
    org_type    text NOT NULL,
    config      jsonb NOT NULL,
    saved_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (template_id, version)
);

INSERT INTO template_versions (template_id, version, name, org_type, config, saved_at)
SELECT id, version, name, org_type, config, updated_at FROM templates;

-- +goose StatementBegin
CREATE FUNCTION keep_template_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO template_versions (template_id, version, name, org_type, config, saved_at)
    VALUES (NEW.id, NEW.version, NEW.name, NEW.org_type, NEW.config, NEW.updated_at)
    ON CONFLICT (template_id, version) DO UPDATE
        SET name = EXCLUDED.name, org_type = EXCLUDED.org_type, config = EXCLUDED.config, saved_at = EXCLUDED.saved_at;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER templates_keep_version AFTER INSERT OR UPDATE ON templates
    FOR EACH ROW EXECUTE FUNCTION keep_template_version();

-- +goose Down
DROP TRIGGER templates_keep_version ON templates;
DROP FUNCTION keep_template_version();
DROP TABLE template_versions;
