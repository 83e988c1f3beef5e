-- +goose Up
-- The addresses a product line or item had before a rename, so they answer 301 to the current
-- one: an old line slug names its line; an old item slug names its item within its line (an
-- item never changes line). Written in the rename's own transaction; a slug a line or item now
-- has wins over a redirect from it.
CREATE TABLE category_redirects (
    old_slug    TEXT PRIMARY KEY,
    category_id BIGINT NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX category_redirects_category ON category_redirects (category_id);

CREATE TABLE item_redirects (
    category_id BIGINT NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    old_slug    TEXT NOT NULL,
    item_id     BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (category_id, old_slug)
);
CREATE INDEX item_redirects_item ON item_redirects (item_id);

-- +goose Down
DROP TABLE item_redirects;
DROP TABLE category_redirects;
