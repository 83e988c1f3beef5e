#!/usr/bin/env bash
# Ratios on a shared, noisy machine: golimit (the no-database Go page and a plain hello) and
# Starboard with the kept-page cache on and off run AT ONCE on one data set, and short wrk runs
# alternate between them for ROUNDS rounds, so every ratio compares runs seconds apart rather
# than legs minutes apart. Prints each run, then per-round ratios and their medians.
#
#   bench/side.sh                      (PEERS=/tmp/peers: a copy of the peers with its data made)
# Env: ROUNDS=3 DURATION=4s THREADS=2 CONNS=32 ITEMS=1000 REVIEWS=100000 PORT=8070 (uses PORT..PORT+3)
#      STARBOARD_BIN=path (else the worktree is built), MEMLIMIT (GOMEMLIMIT for both Starboards;
#      unset: serve's own default)
# Load goes to 127.0.0.1 only; every wrk run is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-4s}; THREADS=${THREADS:-2}; CONNS=${CONNS:-32}
ITEMS=${ITEMS:-1000}; REVIEWS=${REVIEWS:-100000}; PORT=${PORT:-8070}; PEERS=${PEERS:-/tmp/peers}
[ -f "$PEERS/data/items.csv" ] || { echo "side: no $PEERS/data/items.csv (cp -r /work/shared/peers /tmp/peers && python3 /tmp/peers/data/gen_data.py)" >&2; exit 2; }
WORK=$(mktemp -d /tmp/starboard-side.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
if [ -n "${STARBOARD_BIN:-}" ]; then cp "$STARBOARD_BIN" "$WORK/starboard"; else CGO_ENABLED=0 go build -o "$WORK/starboard" ./cmd/starboard; fi
(cd "$PEERS/golimit" && go build -o "$WORK/golimit" .)
export DATABASE_URL=sqlite:$WORK/side.db
"$WORK/starboard" demo --items "$ITEMS" --reviews "$REVIEWS" | tail -n 1
mem=()
[ -n "${MEMLIMIT:-}" ] && mem=(env GOMEMLIMIT="$MEMLIMIT")
"$WORK/golimit" -addr "127.0.0.1:$PORT" -data "$PEERS/data" 2>/dev/null & PIDS+=($!)
"${mem[@]}" "$WORK/starboard" serve --addr "127.0.0.1:$((PORT + 1))" 2>/dev/null & PIDS+=($!); ON=$!
"${mem[@]}" "$WORK/starboard" serve --page-cache 0 --addr "127.0.0.1:$((PORT + 2))" 2>/dev/null & PIDS+=($!); OFF=$!
for u in "$PORT/hello" "$((PORT + 1))/readyz" "$((PORT + 2))/readyz"; do
  for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$u" && break; sleep 0.1; done
done
python3 bench/items.py "http://127.0.0.1:$((PORT + 1))" "$WORK"
read -r ITEM _ < "$WORK/bench_item"
rss() { awk '/VmRSS/ { printf "%.1f", $2/1024 }' "/proc/$1/status"; }
one() { # round name mode url pid
  local out
  out=$(WRK_MODE=$3 WRK_THREADS=$THREADS BENCH_ITEMS=$WORK/items wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s bench/wrk.lua "$4" 2>&1)
  echo "$out" | awk -v r="$1" -v n="$2" -v m="$(rss "$5")" '/^RESULT/ { printf "%s %s %s %s\n", r, n, $2, m }' | tee -a "$WORK/results"
}
echo "# $(date -u +%FT%TZ) wrk -t$THREADS -c$CONNS -d$DURATION, $ITEMS items, $REVIEWS reviews; columns: round name req/s rss-MiB"
for r in $(seq 1 "$ROUNDS"); do
  echo "# round $r loadavg=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
  # Warm the kept item page and every page of the cache-on server once.
  curl -fs -o /dev/null "http://127.0.0.1:$((PORT + 1))$ITEM"
  one "$r" hello get "http://127.0.0.1:$PORT/hello" "${PIDS[0]}"
  one "$r" kept get "http://127.0.0.1:$((PORT + 1))$ITEM" "$ON"
  one "$r" page get "http://127.0.0.1:$PORT/page" "${PIDS[0]}"
  one "$r" spread-off spread "http://127.0.0.1:$((PORT + 2))/c/*" "$OFF"
  one "$r" spread spread "http://127.0.0.1:$((PORT + 1))/c/*" "$ON"
done
python3 - "$WORK/results" <<'PY'
import statistics, sys
v = {}
for line in open(sys.argv[1]):
    r, n, rps, rss = line.split()
    v.setdefault(n, {})[r] = float(rps)
rounds = sorted(v["hello"])
def ratios(a, b):
    return [v[a][r] / v[b][r] for r in rounds if r in v[a] and r in v[b]]
print()
print("| ratio | per round | median |")
print("|---|---|---|")
for a, b, label in [("kept", "hello", "kept item page ÷ hello (goal 0.5)"),
                    ("spread-off", "page", "item page, cache off ÷ no-DB Go page (goal 1.0)"),
                    ("spread", "page", "spread, cache on ÷ no-DB Go page"),
                    ("page", "hello", "no-DB Go page ÷ hello")]:
    rs = ratios(a, b)
    print(f"| {label} | {', '.join(f'{x:.2f}' for x in rs)} | **{statistics.median(rs):.2f}** |")
PY
