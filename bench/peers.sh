#!/usr/bin/env bash
# Yardsticks side by side: the Flask + Peewee peer (SQLite, gunicorn with 4 sync workers, seeded
# with its own copy of the shared data set), the no-database Go page (golimit) and Starboard
# (bench/run.sh), one after another in ONE run with the same wrk settings, then a table of
# requests/s with the ratios Starboard ÷ Flask and Starboard ÷ no-DB Go page.
#
#   bench/peers.sh                     (PEERS=/work/shared/peers by default; it is copied first)
# Env: DURATION=10s WARMUP=3s THREADS=2 CONNS=32 (passed to every leg), PEERS=path, ROUNDS=1,
#      STARBOARD_BIN=path (else bench/run.sh builds the worktree), STARBOARD_PORT=8090 (and the
#      next port, for the cache-off server), PEER_PORT=8001, SKIP_FLASK=1 (Go legs only),
#      STARBOARD_ENDPOINTS (default "html json line ranking post spread spread-off").
# The no-DB Go leg measures /page (its item page) and /hello (plain text from net/http): the
# kept item page is compared with /hello, spread and spread-off with /page.
# Load goes to 127.0.0.1 only and every wrk run is bounded by DURATION. Needs python3-flask,
# python3-peewee, gunicorn and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
export DURATION=${DURATION:-10s} WARMUP=${WARMUP:-3s} THREADS=${THREADS:-2} CONNS=${CONNS:-32}
PEERS=${PEERS:-/work/shared/peers}
ROUNDS=${ROUNDS:-1}
PORT=${PEER_PORT:-8001}
[ -d "$PEERS/flask" ] || { echo "peers: no Flask peer in $PEERS (set PEERS)" >&2; exit 2; }
[ "${SKIP_FLASK:-}" = 1 ] || command -v gunicorn >/dev/null || { echo "peers: gunicorn is needed (apt-get install python3-flask python3-peewee gunicorn)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/starboard-peers.XXXXXX)
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
cp -r "$PEERS" "$WORK/peers"
P=$WORK/peers
OUT=$WORK/results
: > "$OUT"

wait_for() { # url
  for _ in $(seq 1 600); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "peers: $1 did not answer" >&2; return 1
}

for round in $(seq 1 "$ROUNDS"); do
  echo "## round $round/$ROUNDS $(date -u +%FT%TZ) loadavg=\"$(cut -d' ' -f1-3 /proc/loadavg)\""

  # Flask: fresh seed of the shared data set each round, 4 sync workers.
  if [ "${SKIP_FLASK:-}" != 1 ]; then
  (cd "$P/flask" && env -u DATABASE_URL /usr/bin/python3 seed.py | tail -n 1)
  (cd "$P/flask" && exec ./run.sh sqlite 4 "$PORT") > "$WORK/flask.log" 2>&1 &
  PID=$!
  wait_for "http://127.0.0.1:$PORT/api/items/1"
  RSS_PIDS=$PID ENDPOINTS="html json ranking post" "$P/bench.sh" "http://127.0.0.1:$PORT" 1 books | tee "$WORK/leg"
  awk -v r="$round" '/req\/s/ { print r, "flask", $1, $4 }' "$WORK/leg" >> "$OUT"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  fi

  # The no-database Go page: html/template from memory.
  (cd "$P/golimit" && go build -o golimit . )
  "$P/golimit/golimit" -addr "127.0.0.1:$PORT" -data "$P/data" > "$WORK/golimit.log" 2>&1 &
  PID=$!
  wait_for "http://127.0.0.1:$PORT/hello"
  RSS_PIDS=$PID ENDPOINTS="/page /hello" "$P/bench.sh" "http://127.0.0.1:$PORT" 1 books | tee "$WORK/leg"
  awk -v r="$round" '/req\/s/ { print r, "golimit", ($1 == "/hello" ? "hello" : "html"), $4 }' "$WORK/leg" >> "$OUT"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""

  # Starboard, SQLite, the same data size and wrk settings.
  ENDPOINTS=${STARBOARD_ENDPOINTS:-html json line ranking post spread spread-off} PORT=${STARBOARD_PORT:-8090} \
    bench/run.sh sqlite | tee "$WORK/leg"
  awk -v r="$round" '/req\/s/ { print r, "starboard", $1, $3 }' "$WORK/leg" >> "$OUT"
done

python3 - "$OUT" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
val = {}
for r, who, ep, rps in rows:
    val.setdefault((who, ep), []).append(float(rps))
med = lambda k: statistics.median(val[k]) if k in val else None
fmt = lambda v: "-" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")
ratio = lambda a, b: "-" if a is None or b is None or b == 0 else f"{a / b:.1f}x"
print()
print("| endpoint | Flask (SQLite, 4 workers) | no-DB Go page (/page; /hello) | Starboard (SQLite) | Starboard ÷ Flask | Starboard ÷ no-DB Go |")
print("|---|---|---|---|---|---|")
for ep, flask_ep, go_ep, label in [("html", "html", "html", "item page (HTML), kept"),
                            ("html", None, "hello", "item page, kept ÷ Go's plain hello"),
                            ("spread", "html", "html", "spread: every item page in turn"),
                            ("spread-off", "html", "html", "spread, kept-page cache off"),
                            ("json", "json", None, "item JSON"),
                            ("line", "ranking", None, "line page (HTML) vs Flask ranking"),
                            ("ranking", "ranking", None, "ranking API"), ("post", "post", None, "review POST")]:
    s, f = med(("starboard", ep)), med(("flask", flask_ep))
    g = med(("golimit", go_ep)) if go_ep else None
    if go_ep == "hello":
        f = None
    print(f"| {label} | {fmt(f)} | {fmt(g)} | {fmt(s)} | {ratio(s, f)} | {ratio(s, g)} |")
print(f"\n(req/s, median of {len({r[0] for r in rows})} round(s); ratios from the same run)")
PY
