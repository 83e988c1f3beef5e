-- +goose Up
-- Members' reports of reviews (spam, abuse, off-topic, other), once per member and review, for
-- the admins' moderation queue. A report is open until an admin dismisses it (dismissed_at);
-- removing the review deletes its reports with it. Reports change nothing a cached page shows,
-- so writing them moves no change counter.
CREATE TABLE review_reports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id    BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason       TEXT NOT NULL CHECK (reason IN ('spam', 'abuse', 'off-topic', 'other')),
    note         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    dismissed_at TIMESTAMP,
    UNIQUE (review_id, user_id)
);
CREATE INDEX review_reports_open ON review_reports (created_at, review_id) WHERE dismissed_at IS NULL;
CREATE INDEX review_reports_user ON review_reports (user_id);

-- +goose Down
DROP TABLE review_reports;
