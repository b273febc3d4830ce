#!/usr/bin/env bash
# Issue 18's scale benchmark: a generated log (`spur ocel generate`, flattened on `item`) as a
# partitioned Parquet dataset; `spur stats --engine duckdb|spark` (the whole statistics plan:
# counts, variants, case durations and the DFG with its durations) timed with peak memory, next
# to `spur stats` in memory. Usage: bench/engines.sh [ORDERS…] (default 100000 ≈ 1.05M events);
# SPUR=path/to/spur (default target/release/spur), PARTS=8, MASTER=local[2], OUT=scratch folder,
# TIMEOUT=86400 (`--engine-timeout`: a 100M-event plan runs far past spur's 60 s default).
# Needs scripts/setup.sh's DuckDB and Spark. Prints one line per run; deletes its data at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SPUR=${SPUR:-$ROOT/target/release/spur}
PARTS=${PARTS:-8} MASTER=${MASTER:-local[2]} TIMEOUT=${TIMEOUT:-86400}
OUT=${OUT:-$(mktemp -d)}
export PATH="$ROOT/.tools/bin:$PATH"
# Peak RSS of a process tree, sampled every 0.2 s (`time -v` misses Spark's JVM: PySpark does
# not wait for it, so it is no "waited-for child").
tree_peak() { # PID -> prints the largest sum of RSS (kB) over the tree while PID runs
  python3 - "$1" <<'PY'
import os, sys, time
root, peak = int(sys.argv[1]), 0
while os.path.exists(f"/proc/{root}"):
    kids, rss = {}, {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
                kids.setdefault(int(f[1]), []).append(int(p))
                rss[int(p)] = int(f[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
            except (OSError, IndexError, ValueError):
                pass
    todo, total = [root], 0
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += kids.get(p, [])
    peak = max(peak, total)
    time.sleep(0.2)
print(peak)
PY
}
measure() { # LABEL COMMAND…: wall seconds and the peak RSS (MB) of the command's process tree
  local label=$1; shift
  local began; began=$(date +%s.%N)
  "$@" > /dev/null 2> "$OUT/stderr" &
  local pid=$!
  local kb; kb=$(tree_peak "$pid")
  wait "$pid" || { cat "$OUT/stderr"; exit 1; }
  local secs; secs=$(echo "$(date +%s.%N) - $began" | bc)
  printf '%-28s %8.1f s %8d MB   (load: %s)\n' "$label" "$secs" $((kb / 1024)) "$(cut -d' ' -f1-3 /proc/loadavg)"
}
for orders in "${@:-100000}"; do
  "$SPUR" ocel generate --orders "$orders" -o "$OUT/log.jsonocel" > /dev/null
  "$SPUR" ocel flatten "$OUT/log.jsonocel" --type item -o "$OUT/log.parquet" 2> "$OUT/flat"
  rm "$OUT/log.jsonocel"
  events=$(grep -o '[0-9]* events' "$OUT/flat")
  "$SPUR" convert "$OUT/log.parquet" "$OUT/parts" --partitions "$PARTS" 2> /dev/null
  echo "== $orders orders: $events, $PARTS files ($(du -sh "$OUT/parts" | cut -f1)); $(nproc) cores"
  measure "in memory (spur stats)" "$SPUR" stats "$OUT/log.parquet" --json
  measure "DuckDB" "$SPUR" stats "$OUT/parts" --engine duckdb --engine-timeout "$TIMEOUT" --json
  measure "Spark $MASTER" "$SPUR" stats "$OUT/parts" --engine spark --master "$MASTER" \
    --engine-timeout "$TIMEOUT" --json
  SPUR_SPARK_TRACE=1 "$SPUR" stats "$OUT/parts" --engine spark --master "$MASTER" \
    --engine-timeout "$TIMEOUT" --json 2>&1 >/dev/null \
    | grep '^spur-spark' | sed 's/^/    /'
  rm -rf "$OUT/parts" "$OUT/log.parquet"
done
rm -rf "$OUT"
