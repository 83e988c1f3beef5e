#!/usr/bin/env bash
# Load test: builds Starboard, loads 1,000 items and 100,000 reviews, starts the server, warms up,
# runs wrk against the item page, item JSON, category page, ranking API and a signed-in review POST,
# and prints one line per endpoint: requests/s, p50, p99, errors, resident memory.
#
#   bench/run.sh [sqlite|postgres]            (default sqlite)
#   SHORT=1 bench/run.sh                      (CI: 2 s per endpoint, 20,000 reviews, no thresholds)
# Env: DURATION=10s WARMUP=3s THREADS=2 CONNS=32 ITEMS=1000 REVIEWS=100000 MEMBERS=60 PORT=8088
#      ENDPOINTS="html json line ranking post" (also: spread, every item page in turn, most
#      not kept rendered; mixed, spread and post at once; or a path). NAME-br (html-br,
#      json-br, line-br, ranking-br, spread-br) is NAME with a browser's Accept-Encoding,
#      "gzip, deflate, br, zstd"; each line shows the bytes per answer, headers included.
#      NAME-off (html-off, spread-off, spread-off-br, ...) is NAME on a second server started
#      with the kept-page cache off (serve --page-cache 0): every page read from the database
#      and rendered, as on a catalog far larger than the cache.
#      STARBOARD_BIN=path (a binary built already, e.g. an older commit's, instead of building)
#      KEEP_LOG=path (keep the server's log there)
#      BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable (server for the
#      postgres leg; a database is created and dropped)
# Load goes to 127.0.0.1 only and every wrk run is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."
DB_KIND=${1:-sqlite}
if [ "${SHORT:-}" = 1 ]; then
  DURATION=${DURATION:-2s}; WARMUP=${WARMUP:-1s}; REVIEWS=${REVIEWS:-20000}; MEMBERS=${MEMBERS:-10}
fi
DURATION=${DURATION:-10s}; WARMUP=${WARMUP:-3s}; THREADS=${THREADS:-2}; CONNS=${CONNS:-32}
ITEMS=${ITEMS:-1000}; REVIEWS=${REVIEWS:-100000}; MEMBERS=${MEMBERS:-60}; PORT=${PORT:-8088}
ENDPOINTS=${ENDPOINTS:-html json line ranking post}
BENCH_POSTGRES=${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
BASE=http://127.0.0.1:$PORT
LUA=$PWD/bench/wrk.lua

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
command -v python3 >/dev/null || { echo "bench: python3 is needed to read the API's JSON" >&2; exit 1; }

WORK=$(mktemp -d /tmp/starboard-bench.XXXXXX)
SERVER=""
SERVER_ON=""
SERVER_OFF=""
PGDB=""
cleanup() {
  if [ -n "$SERVER_OFF" ]; then kill "$SERVER_OFF" 2>/dev/null || true; wait "$SERVER_OFF" 2>/dev/null || true; fi
  if [ -n "$SERVER_ON" ]; then kill "$SERVER_ON" 2>/dev/null || true; wait "$SERVER_ON" 2>/dev/null || true; fi
  if [ -n "${KEEP_LOG:-}" ] && [ -f "$WORK/server.log" ]; then cp "$WORK/server.log" "$KEEP_LOG"; fi
  if [ -n "$PGDB" ]; then psql "$BENCH_POSTGRES" -qc "DROP DATABASE IF EXISTS $PGDB" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${STARBOARD_BIN:-}" ]; then
  cp "$STARBOARD_BIN" "$WORK/starboard"
else
  CGO_ENABLED=0 go build -o "$WORK/starboard" ./cmd/starboard
fi
case $DB_KIND in
  sqlite) export DATABASE_URL="sqlite:$WORK/bench.db" ;;
  postgres)
    PGDB=starboard_bench_$$
    psql "$BENCH_POSTGRES" -qc "CREATE DATABASE $PGDB" >/dev/null
    export DATABASE_URL=$(python3 -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path="/"+sys.argv[2]).geturl())' "$BENCH_POSTGRES" "$PGDB") ;;
  *) echo "usage: bench/run.sh [sqlite|postgres]" >&2; exit 2 ;;
esac

start=$(date +%s.%N)
"$WORK/starboard" demo --items "$ITEMS" --reviews "$REVIEWS" | tail -n 1
echo "# data loaded in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
for i in $(seq 1 "$MEMBERS"); do
  echo "bench passphrase $i for load" | "$WORK/starboard" user create --email "bench$i@bench.test" --name "Bench $i" >/dev/null
done

# Start-up: from exec to the first answered request, on the migrated database, polled every
# millisecond.
STARTUP=$(python3 - "$WORK/starboard" "$PORT" "$WORK/server.log" <<'PY2'
import os, socket, subprocess, sys, time
binary, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t0 = time.monotonic()
p = subprocess.Popen([binary, "serve", "--addr", f"127.0.0.1:{port}"], stderr=open(log, "w"), env=dict(os.environ, LOG_FORMAT="json"))
while time.monotonic() - t0 < 10:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
            c.sendall(b"GET /readyz HTTP/1.0\r\n\r\n")
            if b" 200 " in c.recv(64)[:16]:
                break
    except OSError:
        pass
    time.sleep(0.001)
ms = (time.monotonic() - t0) * 1000
p.terminate(); p.wait()
print(f"{ms:.0f}")
PY2
)
LOG_FORMAT=json "$WORK/starboard" serve --addr "127.0.0.1:$PORT" 2>"$WORK/server.log" &
SERVER=$!
SERVER_ON=$SERVER
for _ in $(seq 1 100); do curl -fs -o /dev/null "$BASE/readyz" && break; sleep 0.1; done
curl -fs -o /dev/null "$BASE/readyz" || { echo "bench: server did not start"; cat "$WORK/server.log"; exit 1; }
# The cache-off server, for NAME-off endpoints: the same database, every page rendered.
BASE_ON=$BASE
BASE_OFF=http://127.0.0.1:$(( PORT + 1 ))
case " $ENDPOINTS " in
  *-off*)
    LOG_FORMAT=json "$WORK/starboard" serve --page-cache 0 --addr "127.0.0.1:$(( PORT + 1 ))" 2>"$WORK/server-off.log" &
    SERVER_OFF=$!
    for _ in $(seq 1 100); do curl -fs -o /dev/null "$BASE_OFF/readyz" && break; sleep 0.1; done
    curl -fs -o /dev/null "$BASE_OFF/readyz" || { echo "bench: cache-off server did not start"; cat "$WORK/server-off.log"; exit 1; } ;;
esac

# Members sign in once each; their session cookies go to the POST script.
: > "$WORK/cookies"
for i in $(seq 1 "$MEMBERS"); do
  curl -fs -o /dev/null -c "$WORK/jar$i" --data-urlencode "email=bench$i@bench.test" \
    --data-urlencode "password=bench passphrase $i for load" "$BASE/login"
  awk '$6 ~ /session/ { print $6 "=" $7 }' "$WORK/jar$i" >> "$WORK/cookies"
done
[ "$(wc -l < "$WORK/cookies")" -eq "$MEMBERS" ] || { echo "bench: sign-in failed"; tail "$WORK/server.log"; exit 1; }

# Every item's page path, and the bench item: the book whose review count is nearest 135 (the
# peers' item 1).
python3 bench/items.py "$BASE" "$WORK"
read -r ITEM_PATH ITEM_ID ITEM_REVIEWS < "$WORK/bench_item"

# Resident memory, and the part of it that is the binary's own pages (file-backed: code and
# read-only data, shared with the page cache) rather than memory the process allocated.
rss() { awk '/VmRSS/ { r = $2 } /RssFile/ { f = $2 } END { printf "%.1f MiB (file %.1f)", r/1024, f/1024 }' "/proc/$SERVER/status"; }
hwm() { awk '/VmHWM/ { printf "%.1f MiB", $2/1024 }' "/proc/$SERVER/status"; }
secs() { case $1 in *ms) echo 0;; *s) echo "${1%s}";; *m) echo $(( ${1%m} * 60 ));; *) echo "$1";; esac; }

run() { # name mode path
  local name=$1 mode=$2 url=$BASE$3 out mem
  if [ "$mode" != post ]; then
    WRK_MODE=$mode WRK_THREADS=$THREADS BENCH_ITEMS=$WORK/items BENCH_ENCODING=$ENCODING wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$LUA" "$url" >/dev/null 2>&1 || true
  fi
  ( sleep $(( $(secs "$DURATION") / 2 )); rss > "$WORK/rss.$name" ) &
  local sampler=$!
  out=$(WRK_MODE=$mode WRK_THREADS=$THREADS BENCH_COOKIES=$WORK/cookies BENCH_ITEMS=$WORK/items BENCH_ENCODING=$ENCODING \
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$LUA" "$url" 2>&1) || { echo "$name: wrk failed: $out"; FAILED=1; return; }
  wait "$sampler"; mem=$(cat "$WORK/rss.$name")
  # No thresholds on speed, but an endpoint that answered nothing or answered with errors fails
  # the run, so the script cannot rot unnoticed in CI.
  echo "$out" | awk '/^RESULT/ && ($5 > 0 || $7 == 0) { bad = 1 } END { exit bad }' || FAILED=1
  echo "$out" | awk -v n="$name" -v u="$3" -v m="$mem" '/^RESULT/ {
    printf "%-10s %-34s %9s req/s  p50 %7s ms  p99 %7s ms  errors %5d  sockerr %4d  requests %7d  bytes/answer %6d  rss %s\n", n, u, $2, $3, $4, $5, $6, $7, $8, m }'
}

echo "# $(date -u +%FT%TZ) starboard on $DB_KIND, $ITEMS items, $REVIEWS reviews; bench item $ITEM_PATH (id $ITEM_ID, $ITEM_REVIEWS reviews)"
echo "# start-up to first answered request: $STARTUP ms; binary $(( $(stat -c %s "$WORK/starboard") / 1024 / 1024 )) MiB"
echo "# wrk -t$THREADS -c$CONNS -d$DURATION (warm-up $WARMUP) loadavg=\"$(cut -d' ' -f1-3 /proc/loadavg)\" nproc=$(nproc)"
FAILED=0
ENCODING=""
for ep0 in $ENDPOINTS; do
  ENCODING=""
  case $ep0 in
    *-br) ENCODING="gzip, deflate, br, zstd" ;;
  esac
  BASE=$BASE_ON SERVER=$SERVER_ON ep=$ep0
  case $ep0 in
    *-off|*-off-br) BASE=$BASE_OFF SERVER=$SERVER_OFF ep=${ep0/-off/} ;;
  esac
  case $ep in
    html|html-br)       run "$ep0" get "$ITEM_PATH" ;;
    json|json-br)       run "$ep0" get "/api/v1/items/$ITEM_ID" ;;
    line|line-br)       run "$ep0" get "/c/books" ;;
    ranking|ranking-br) run "$ep0" get "/api/v1/categories/books" ;;
    post)    run post    post "/" ;;
    spread|spread-br)   run "$ep0" spread "/c/*" ;;
    mixed)   # spread and post at once, 16 connections each: reads while the writer writes
      ( CONNS=$(( CONNS / 2 )) run spread spread "/c/*"; [ "$FAILED" = 0 ] ) & bg=$!
      sleep "$(secs "$WARMUP")"; CONNS=$(( CONNS / 2 )) run post post "/"; wait "$bg" || FAILED=1 ;;
    /*)      run "$ep0"   get  "$ep" ;;
    *) echo "unknown endpoint $ep" >&2; exit 2 ;;
  esac
done
SERVER=$SERVER_ON
echo "# peak resident memory (VmHWM): $(hwm)"
if [ -n "$SERVER_OFF" ]; then SERVER=$SERVER_OFF; echo "# cache-off server's peak resident memory (VmHWM): $(hwm)"; fi
echo "# server log: $(grep -c '"msg":"request"' "$WORK/server.log") requests logged, $(grep -c '"level":"ERROR"' "$WORK/server.log" || true) errors"
grep -m1 '"level":"ERROR"' "$WORK/server.log" | cut -c1-300 | sed 's/^/# first error: /' || true
grep -m1 '"level":"WARN"' "$WORK/server.log" | cut -c1-400 | sed 's/^/# first warning: /' || true
if [ "$FAILED" != 0 ]; then echo "bench: an endpoint failed or answered with errors"; exit 1; fi
