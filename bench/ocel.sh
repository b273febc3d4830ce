#!/usr/bin/env bash
# Issue 17's OCEL benchmark: import time and peak memory of Spur vs pm4py on a generated
# object-centric log of over a million events, as OCEL 2.0 JSON and SQLite.
#
#   bench/ocel.sh                       # ORDERS=100000 (≈ 1.1M events), REPEATS=3
#   ORDERS=20000 SKIP_PM4PY=1 bench/ocel.sh
#
# Spur: `spur ocel generate` writes the JSON, `spur convert` the SQLite (Spur's writer; pm4py
# reads it), `spur ocel bench` times the import (median of REPEATS in one process) plus
# flattening on every type and the OC-DFG. pm4py: bench/ocel_pm4py.py import (one import per
# process; pm4py 2.7's read_ocel2_json / read_ocel2_sqlite) in the bench venv
# (bench/setup-peers.sh). Both run under /usr/bin/time -v for CPU time and peak RSS. Output and
# the data go to out/bench/ocel/ (gitignored).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
ORDERS="${ORDERS:-100000}"
REPEATS="${REPEATS:-3}"
OUT="$ROOT/out/bench/ocel"
mkdir -p "$OUT"
PY="${PM4PY_PYTHON:-$ROOT/.tools/bench-venv/bin/python}"
if [ -z "${SKIP_PM4PY:-}" ] && [ -z "${PM4PY_PYTHON:-}" ]; then
  bash bench/setup-peers.sh
fi
cargo build --release -q -p spur
SPUR="${CARGO_TARGET_DIR:-$ROOT/target}/release/spur"
JSON="$OUT/orders$ORDERS.jsonocel"
SQLITE="$OUT/orders$ORDERS.sqlite"
[ -f "$JSON" ] || "$SPUR" ocel generate --orders "$ORDERS" --seed 17 -o "$JSON" >/dev/null
[ -f "$SQLITE" ] || "$SPUR" convert "$JSON" "$SQLITE"
timed() { # timed LABEL CMD...: the command's stdout, then its CPU seconds and peak RSS
  local label="$1"; shift
  /usr/bin/time -v "$@" 2>"$OUT/$label.time" | tee "$OUT/$label.json"
  awk -F': ' -v l="$label" '/User time/{u=$2} /System time/{s=$2} /Maximum resident/{r=$2}
    END{printf "%s: cpu %.1f s, peak RSS %.0f MiB\n", l, u+s, r/1024}' "$OUT/$label.time"
}
for f in "$JSON" "$SQLITE"; do
  ext="${f##*.}"
  timed "spur-$ext" "$SPUR" ocel bench "$f" --repeats "$REPEATS"
  if [ -z "${SKIP_PM4PY:-}" ]; then
    timed "pm4py-$ext" "$PY" bench/ocel_pm4py.py import "$f" 1
  fi
done
