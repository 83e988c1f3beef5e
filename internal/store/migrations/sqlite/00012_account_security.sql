-- +goose Up
-- One-time setup addresses (/setup?token=…): serve makes one at start while the site has no
-- admin, and logs it; the first admin made with any of them deletes them all. Only the SHA-256
-- of each token is kept.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL
);

-- Secrets the server signs with, made once and shared by every instance on the database (the
-- key of the device cookies that spare a member's own browsers from sign-in lock-outs).
CREATE TABLE site_keys (
    name       TEXT PRIMARY KEY,
    secret     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE site_keys;
DROP TABLE setup_tokens;
