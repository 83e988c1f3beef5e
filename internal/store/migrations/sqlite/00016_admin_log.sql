-- +goose Up
-- The admin audit log: one row per admin action, written in the action's own transaction (see
-- audit.go). Who acted is kept twice: actor_id while the account exists (set to NULL when it is
-- deleted), and the email and name it had then, so the record outlives the account. The target
-- is named the same way: its kind and id, and a label captured at the time. Rows are only ever
-- added; the log is read newest first, by id.
CREATE TABLE admin_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TIMESTAMP NOT NULL,
    actor_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor_email  TEXT NOT NULL,
    actor_name   TEXT NOT NULL,
    action       TEXT NOT NULL,
    target_kind  TEXT NOT NULL,
    target_id    BIGINT,
    target_label TEXT NOT NULL,
    detail       TEXT NOT NULL
);
CREATE INDEX admin_log_action ON admin_log (action, id);
CREATE INDEX admin_log_actor ON admin_log (actor_email, id);
CREATE INDEX admin_log_actor_id ON admin_log (actor_id);

-- +goose Down
DROP TABLE admin_log;
