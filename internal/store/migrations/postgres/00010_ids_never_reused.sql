-- +goose Up
-- Nothing to do on PostgreSQL: identity columns take their ids from sequences, which never hand
-- out a number twice. The SQLite migration of this number adds AUTOINCREMENT to the same end.
SELECT 1;

-- +goose Down
SELECT 1;
