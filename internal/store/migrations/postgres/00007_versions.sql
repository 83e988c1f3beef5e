-- +goose Up
-- Change counters for caches that must stay right across instances: a write bumps them in the
-- same transaction, and a reader compares one small row instead of re-reading what it cached.
-- categories.version moves with anything the line-up shows (items, their star counts, the line);
-- item_stats.version with anything an item page's reviews show (reviews, helpful votes, names).
ALTER TABLE categories ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE item_stats ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE item_stats DROP COLUMN version;
ALTER TABLE categories DROP COLUMN version;
