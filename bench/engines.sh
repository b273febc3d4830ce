#!/usr/bin/env bash
# Issue 18's scale benchmark: a generated log (`spur ocel generate`, flattened on `item`) as a
# partitioned Parquet dataset; `spur stats --engine duckdb|spark` (the whole statistics plan:
# counts, variants, case durations and the DFG with its durations) timed with peak memory, next
# to `spur stats` in memory. Usage: bench/engines.sh [ORDERS…] (default 100000 ≈ 1.05M events);
# SPUR=path/to/spur (default target/release/spur), PARTS=8, MASTER=local[2], OUT=scratch folder,
# TIMEOUT=86400 (`--engine-timeout`: a 100M-event plan runs far past spur's 60 s default).
# More than CHUNK=1000000 orders (≈10.5M events, a 3.4 GB OCEL file) are generated as chunks
# (`--chunk K`: ids prefixed, different seeds), each flattened and converted into the one dataset
# folder; Spur in memory then has no single file to read and is not run (it needs ~120 bytes an
# event: see docs/BENCHMARKS.md). Needs scripts/setup.sh's DuckDB and Spark. Prints one line per
# run (TRACE=0: without the second, traced Spark run); deletes its data at the end.
# Spark in local mode runs in its driver's JVM, whose default 1 GB heap fails at 100M events:
# above CHUNK orders the script sets SPUR_SPARK_CONF=spark.driver.memory=12g unless it is set.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SPUR=${SPUR:-$ROOT/target/release/spur}
PARTS=${PARTS:-8} MASTER=${MASTER:-local[2]} TIMEOUT=${TIMEOUT:-86400} CHUNK=${CHUNK:-1000000}
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
# Generate ORDERS orders (chunk K: ids prefixed `cK-`) flattened on item into OUT/log.parquet;
# prints the flattened event count.
flat_chunk() { # ORDERS K
  "$SPUR" ocel generate --orders "$1" --chunk "$2" --seed $((17 + $2)) -o "$OUT/log.jsonocel" > /dev/null
  "$SPUR" ocel flatten "$OUT/log.jsonocel" --type item -o "$OUT/log.parquet" 2> "$OUT/flat"
  rm "$OUT/log.jsonocel"
  grep -o '[0-9]* events' "$OUT/flat" | cut -d' ' -f1
}
for orders in "${@:-100000}"; do
  mkdir -p "$OUT/parts"
  if [ "$orders" -le "$CHUNK" ]; then
    events=$(flat_chunk "$orders" 0)
    "$SPUR" convert "$OUT/log.parquet" "$OUT/parts" --partitions "$PARTS" 2> /dev/null
  else
    events=0 k=0 left=$orders
    while [ "$left" -gt 0 ]; do
      k=$((k + 1)) n=$((left < CHUNK ? left : CHUNK)) left=$((left - n))
      began=$(date +%s)
      events=$((events + $(flat_chunk "$n" "$k")))
      "$SPUR" convert "$OUT/log.parquet" "$OUT/chunk" --partitions "$PARTS" 2> /dev/null
      for f in "$OUT"/chunk/*.parquet; do mv "$f" "$OUT/parts/c$k-$(basename "$f")"; done
      rm -rf "$OUT/chunk" "$OUT/log.parquet"
      echo "   chunk $k: $n orders, $events events so far ($(($(date +%s) - began)) s)"
    done
  fi
  if [ "$orders" -gt "$CHUNK" ] && [ -z "${SPUR_SPARK_CONF:-}" ]; then
    export SPUR_SPARK_CONF=spark.driver.memory=12g
  fi
  echo "== $orders orders: $events events, $(ls "$OUT/parts" | wc -l) files ($(du -sh "$OUT/parts" | cut -f1)); $(nproc) cores"
  if [ -f "$OUT/log.parquet" ]; then
    measure "in memory (spur stats)" "$SPUR" stats "$OUT/log.parquet" --json
  fi
  measure "DuckDB" "$SPUR" stats "$OUT/parts" --engine duckdb --engine-timeout "$TIMEOUT" --json
  measure "Spark $MASTER" "$SPUR" stats "$OUT/parts" --engine spark --master "$MASTER" \
    --engine-timeout "$TIMEOUT" --json
  [ "${TRACE:-1}" = 1 ] && SPUR_SPARK_TRACE=1 "$SPUR" stats "$OUT/parts" --engine spark --master "$MASTER" \
    --engine-timeout "$TIMEOUT" --json 2>&1 >/dev/null \
    | grep '^spur-spark' | sed 's/^/    /'
  rm -rf "$OUT/parts" "$OUT/log.parquet"
done
rm -rf "$OUT"
