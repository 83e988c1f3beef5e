-- +goose Up
-- The account a session was saved for, so a signed-in request reads its session and its member
-- in one query. NULL for a session saved signed out (or before this migration: such a session
-- still works, its member read on its own until it is next saved).
ALTER TABLE sessions ADD COLUMN user_id BIGINT;

-- +goose Down
ALTER TABLE sessions DROP COLUMN user_id;
