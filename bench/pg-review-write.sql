-- The review POST's write statement on its own, for pgbench: the ceiling PostgreSQL sets for a
-- review POST on this machine (bench/pg-ceiling.sh runs it). A fresh member each time (random
-- among 200,000 made by the script); ON CONFLICT DO NOTHING only so a rare repeated pair does
-- not stop a pgbench client.
\set item random(1, 1000)
\set usr random(4220, 204219)
\set rating random(1, 5)
WITH i AS (SELECT id, category_id FROM items WHERE id = :item), r AS (
  INSERT INTO reviews (item_id, user_id, rating, summary, details, helpful_count, created_at, updated_at)
  SELECT i.id, :usr, :rating, 'Load test review', 'Posted by pgbench', 0, now(), now() FROM i
  ON CONFLICT DO NOTHING RETURNING id, item_id
), st AS (
  UPDATE item_stats SET n3 = n3 + 1, updated_at = now(), version = version + 1
  WHERE item_id = (SELECT item_id FROM r) RETURNING item_id
), c AS (
  INSERT INTO category_versions (category_id, shard, version)
  SELECT i.category_id, i.id % 16, 1 FROM i WHERE EXISTS (SELECT 1 FROM st)
  ON CONFLICT (category_id, shard) DO UPDATE SET version = category_versions.version + 1
)
SELECT r.id, r.item_id, (SELECT COUNT(*) FROM st) FROM r;
