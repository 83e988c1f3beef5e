-- +goose Up
-- When a member proved they read mail at their address: by a verification link, or a password
-- reset link (which only reaches the address's owner). NULL for accounts made without mail.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;

-- Links mailed to a member, each valid once, until expires_at, stored as the SHA-256 of the
-- token only: 'reset' sets a new password for user_id; 'verify' marks user_id's address as
-- verified; 'signup' creates the account it describes (email, display_name, password_hash),
-- which exists only once its address's owner opens the link. Short-lived secrets: copy skips
-- the table.
CREATE TABLE email_links (
    token_hash    TEXT PRIMARY KEY,
    purpose       TEXT NOT NULL CHECK (purpose IN ('reset', 'verify', 'signup')),
    user_id       BIGINT REFERENCES users (id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    expires_at    TIMESTAMP NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX email_links_expires ON email_links (expires_at);
CREATE INDEX email_links_user ON email_links (user_id);

-- +goose Down
DROP TABLE email_links;
ALTER TABLE users DROP COLUMN email_verified_at;
