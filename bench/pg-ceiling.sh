#!/usr/bin/env bash
# The ceiling PostgreSQL sets for review POSTs on this machine: pgbench runs the POST's write
# statement alone (bench/pg-review-write.sql) against the benchmark's data, 10 and 32 clients.
#   bench/pg-ceiling.sh        Env: BENCH_POSTGRES (as bench/run.sh), DURATION=8 (seconds)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_POSTGRES=${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
DURATION=${DURATION:-8}
DB=starboard_ceiling_$$
PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench | tail -n 1)
WORK=$(mktemp -d /tmp/starboard-ceiling.XXXXXX)
trap 'psql "$BENCH_POSTGRES" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
CGO_ENABLED=0 go build -o "$WORK/starboard" ./cmd/starboard
psql "$BENCH_POSTGRES" -qc "CREATE DATABASE $DB" >/dev/null
URL=$(python3 -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path="/"+sys.argv[2]).geturl())' "$BENCH_POSTGRES" "$DB")
DATABASE_URL=$URL "$WORK/starboard" demo --items 1000 --reviews 100000 | tail -n 1
psql "$URL" -qc "INSERT INTO users (email, display_name, password_hash, is_admin, disabled, session_version, created_at, updated_at)
  SELECT 'ceiling' || g || '@bench.test', 'C' || g, '!', false, false, 1, now(), now() FROM generate_series(1, 200000) g"
FIRST=$(psql "$URL" -Atc "SELECT min(id) FROM users WHERE email LIKE 'ceiling%'")
sed "s/random(4220, 204219)/random($FIRST, $((FIRST + 199999)))/" bench/pg-review-write.sql > "$WORK/write.sql"
for c in 10 32; do
  echo "# pgbench -n -M prepared -c $c -j 2 -T $DURATION (the review write alone) loadavg=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
  "$PGBENCH" -n -M prepared -c "$c" -j 2 -T "$DURATION" -f "$WORK/write.sql" "$URL" 2>&1 | grep -E '^(tps|latency average)'
done
