-- +goose Up
-- Items' pictures, kept in the database so that copy and backup carry them and every instance
-- serves them. An item's pictures are ordered by position (0 is its main picture); width and
-- height are the upright size of the upload. Each picture is kept, re-encoded, in a few widths
-- (picture_files): the bytes served, their type and their SHA-256, which names them in URLs.
-- Writing either table moves the item's and its line's change counters (versions.go).
CREATE TABLE item_pictures (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id    BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    alt        TEXT NOT NULL,
    width      INTEGER NOT NULL CHECK (width > 0),
    height     INTEGER NOT NULL CHECK (height > 0),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX item_pictures_item ON item_pictures (item_id, position, id);

CREATE TABLE picture_files (
    picture_id   BIGINT NOT NULL REFERENCES item_pictures (id) ON DELETE CASCADE,
    width        INTEGER NOT NULL CHECK (width > 0),
    height       INTEGER NOT NULL CHECK (height > 0),
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    bytes        BLOB NOT NULL,
    sha256       TEXT NOT NULL,
    PRIMARY KEY (picture_id, width)
);

-- +goose Down
DROP TABLE picture_files;
DROP TABLE item_pictures;
