-- +goose Up
CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE items (
    id          INTEGER PRIMARY KEY,
    category_id BIGINT NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    attributes  TEXT NOT NULL DEFAULT '{}',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (category_id, slug)
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    is_admin        BOOLEAN NOT NULL DEFAULT FALSE,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    session_version BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
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
CREATE INDEX reviews_item_created ON reviews (item_id, created_at DESC, id DESC);
CREATE INDEX reviews_item_rating ON reviews (item_id, rating, created_at DESC, id DESC);
CREATE INDEX reviews_user ON reviews (user_id);
CREATE INDEX reviews_item_helpful ON reviews (item_id, helpful_count DESC, created_at DESC, id DESC);

CREATE TABLE item_stats (
    item_id    BIGINT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    n1         BIGINT NOT NULL DEFAULT 0,
    n2         BIGINT NOT NULL DEFAULT 0,
    n3         BIGINT NOT NULL DEFAULT 0,
    n4         BIGINT NOT NULL DEFAULT 0,
    n5         BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE helpful_votes (
    review_id  BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (review_id, user_id)
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
    token   TEXT PRIMARY KEY,
    data    BLOB NOT NULL,
    expiry  TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    hits         BIGINT NOT NULL
);

CREATE TABLE idempotency_keys (
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    request     TEXT NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE rate_limits;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE helpful_votes;
DROP TABLE item_stats;
DROP TABLE reviews;
DROP TABLE users;
DROP TABLE items;
DROP TABLE categories;
