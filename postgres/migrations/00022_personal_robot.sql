-- +goose Up
-- A person's own robot (T6): a DingTalk, WeCom or Feishu robot, or a generic signed webhook,
-- that takes each of their notifications in their language; none by default.
ALTER TABLE accounts ADD COLUMN robot_kind text NOT NULL DEFAULT ''
        CHECK (robot_kind IN ('', 'generic', 'dingtalk', 'wecom', 'feishu')),
    ADD COLUMN robot_url text NOT NULL DEFAULT '',
    ADD COLUMN robot_secret text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE accounts DROP COLUMN robot_kind, DROP COLUMN robot_url, DROP COLUMN robot_secret;
