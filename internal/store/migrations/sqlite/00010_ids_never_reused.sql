-- +goose NO TRANSACTION
-- +goose Up
-- Every table whose id is shown or referenced takes AUTOINCREMENT, so an id is never handed out
-- twice: without it SQLite gives the next row max(id)+1, and deleting the newest review made its
-- id the next review's (a replayed idempotent POST then named another member's review). Columns,
-- constraints, indexes and rows stay as they were.
--
-- SQLite cannot add AUTOINCREMENT to a table, so each is rebuilt in place as its documentation
-- says (https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes"):
-- foreign keys off, outside any transaction (the pragma does nothing inside one, hence NO
-- TRANSACTION and the BEGIN and COMMIT below; goose runs them on one connection); then, in one
-- transaction, create the new table, copy, drop the old one, rename the new one, recreate the
-- indexes, check the foreign keys; commit; foreign keys on. With foreign keys on, dropping a
-- parent table would delete its children's rows. Run twice (a crash before goose records the
-- version), it rebuilds the tables again, to the same result.
PRAGMA foreign_keys = OFF;

BEGIN IMMEDIATE;

CREATE TABLE categories_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     BIGINT NOT NULL DEFAULT 0
);
INSERT INTO categories_new (id, slug, name, description, created_at, updated_at, version)
    SELECT id, slug, name, description, created_at, updated_at, version FROM categories;
DROP TABLE categories;
ALTER TABLE categories_new RENAME TO categories;

CREATE TABLE items_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    category_id BIGINT NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    attributes  TEXT NOT NULL DEFAULT '{}',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (category_id, slug)
);
INSERT INTO items_new (id, category_id, slug, name, description, attributes, created_at, updated_at)
    SELECT id, category_id, slug, name, description, attributes, created_at, updated_at FROM items;
DROP TABLE items;
ALTER TABLE items_new RENAME TO items;

CREATE TABLE users_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    is_admin        BOOLEAN NOT NULL DEFAULT FALSE,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    session_version BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
INSERT INTO users_new (id, email, display_name, password_hash, is_admin, disabled, session_version, created_at, updated_at)
    SELECT id, email, display_name, password_hash, is_admin, disabled, session_version, created_at, updated_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

CREATE TABLE reviews_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id       BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    summary       TEXT NOT NULL,
    details       TEXT NOT NULL DEFAULT '',
    helpful_count BIGINT NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (item_id, user_id)
);
INSERT INTO reviews_new (id, item_id, user_id, rating, summary, details, helpful_count, created_at, updated_at)
    SELECT id, item_id, user_id, rating, summary, details, helpful_count, created_at, updated_at FROM reviews;
DROP TABLE reviews;
ALTER TABLE reviews_new RENAME TO reviews;
CREATE INDEX reviews_item_created ON reviews (item_id, created_at DESC, id DESC);
CREATE INDEX reviews_item_rating ON reviews (item_id, rating, created_at DESC, id DESC);
CREATE INDEX reviews_user ON reviews (user_id);
CREATE INDEX reviews_item_helpful ON reviews (item_id, helpful_count DESC, created_at DESC, id DESC);

CREATE TABLE api_tokens_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
INSERT INTO api_tokens_new (id, user_id, name, token_hash, created_at, last_used_at)
    SELECT id, user_id, name, token_hash, created_at, last_used_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The copies above left each table's sequence at its largest id. A review or item deleted before
-- this migration may have had a larger one, still named by an idempotent POST's stored answer
-- (kept a day): the sequence starts past those too, so a replay never names a newer row.
INSERT INTO sqlite_sequence (name, seq)
    SELECT t.name, 0 FROM (SELECT 'reviews' AS name UNION ALL SELECT 'items') t
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence s WHERE s.name = t.name);
UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((
    SELECT MAX(CAST(json_extract(k.body, '$.id') AS INTEGER)) FROM idempotency_keys k
    WHERE k.status = 201 AND json_valid(k.body) AND json_type(k.body, '$.rating') IS NOT NULL), 0))
    WHERE name = 'reviews';
UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((
    SELECT MAX(CAST(json_extract(k.body, '$.id') AS INTEGER)) FROM idempotency_keys k
    WHERE k.status = 201 AND json_valid(k.body) AND json_type(k.body, '$.attributes') IS NOT NULL), 0))
    WHERE name = 'items';

-- Rows were copied as they were, so this only fails on a database that already broke a foreign
-- key; the migration then rolls back whole rather than keep a broken reference.
CREATE TEMP TABLE migration_fk_check (violations INTEGER CONSTRAINT foreign_keys_intact CHECK (violations = 0));
INSERT INTO migration_fk_check SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE migration_fk_check;

COMMIT;

PRAGMA foreign_keys = ON;

-- +goose Down
-- AUTOINCREMENT is kept: taking it away would let ids be reused again, and nothing older than
-- this migration depends on its absence.
SELECT 1;
