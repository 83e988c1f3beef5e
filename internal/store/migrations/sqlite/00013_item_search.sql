-- +goose Up
-- The search index of items: one FTS5 row per item (rowid = the item's id) holding its name, its
-- description and its attribute values (not their keys), tokenized without case or accents
-- (remove_diacritics 2), with prefix indexes of 2 and 3 characters for search-as-you-type. It is
-- derived from items: the triggers below keep it current in the same transaction as every
-- insert, update and delete of an item (a line's deletion cascades to its items and so here),
-- whatever writes them (the store, import, copy); copy never carries it.
CREATE VIRTUAL TABLE item_search USING fts5(
    name, description, attributes,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

INSERT INTO item_search (rowid, name, description, attributes)
SELECT id, name, description, (SELECT COALESCE(group_concat(value, ' '), '') FROM json_each(items.attributes))
FROM items;

-- +goose StatementBegin
CREATE TRIGGER item_search_insert AFTER INSERT ON items BEGIN
    INSERT INTO item_search (rowid, name, description, attributes)
    VALUES (new.id, new.name, new.description,
            (SELECT COALESCE(group_concat(value, ' '), '') FROM json_each(new.attributes)));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER item_search_update AFTER UPDATE OF name, description, attributes ON items BEGIN
    UPDATE item_search SET name = new.name, description = new.description,
        attributes = (SELECT COALESCE(group_concat(value, ' '), '') FROM json_each(new.attributes))
    WHERE rowid = new.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER item_search_delete AFTER DELETE ON items BEGIN
    DELETE FROM item_search WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER item_search_delete;
DROP TRIGGER item_search_update;
DROP TRIGGER item_search_insert;
DROP TABLE item_search;
