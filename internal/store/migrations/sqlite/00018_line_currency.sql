-- +goose Up
-- A product line's currency, an ISO 4217 code ("USD"), so its prices read "$349" (checked in
-- internal/catalog). '' means none: prices are shown as entered.
ALTER TABLE categories ADD COLUMN currency TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE categories DROP COLUMN currency;
