-- +goose Up
-- A product line's change counter in sixteen parts: a review's write moves the part its item
-- falls in (item id mod 16) rather than the line's own row, so concurrent reviews of different
-- items of one line do not queue on one row lock until each commits. A line's counter is
-- categories.version plus the sum of its parts; every part only grows.
CREATE TABLE category_versions (
    category_id BIGINT NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    shard       INTEGER NOT NULL,
    version     BIGINT NOT NULL,
    PRIMARY KEY (category_id, shard)
);

-- +goose Down
DROP TABLE category_versions;
