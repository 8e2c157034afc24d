-- +goose Up
-- When the workflow task that last wrote a process row started (its workflow.Now): a write
-- from a task that started earlier is a discarded task's local activity finishing late, and
-- never applies (keyChange). Only keyed writes set it; undo_changes restores it with the row.
ALTER TABLE processes ADD COLUMN task_at timestamptz;

-- +goose Down
ALTER TABLE processes DROP COLUMN task_at;
