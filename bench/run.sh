#!/usr/bin/env bash
# Reproduce the issue-3 benchmarks of docs/BENCHMARKS.md with one command:
#
#   bench/run.sh                  # REPEATS=5 by default; results in out/bench/
#   REPEATS=3 ROUNDS=1 SKIP_PM4PY=1 bench/run.sh
#
# Same machine, same run, same data: Spur native (in-process `spur bench-log`: each step timed
# separately, median of REPEATS, peak RSS), Spur compiled to wasm32 and run in Node, rust4pm
# (`process_mining`, bench/rust4pm) and pm4py (../shared/bench/pm4py_bench.py in a venv made by
# bench/setup-peers.sh), on BPIC2012 as XES.gz, CSV and Parquet (the last two written by
# `spur convert` into out/bench/, never committed). Prints the tables of ratios (also saved as
# out/bench/report.md).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SHARED="${SPUR_SHARED_DATA:-$ROOT/../shared/data}"
LOG="${BENCH_LOG:-$SHARED/eventlogs/bpic2012.xes.gz}"
PEER_SCRIPT="${PM4PY_BENCH:-$SHARED/../bench/pm4py_bench.py}"
OUT="$ROOT/out/bench"
REPEATS="${REPEATS:-5}"
# The machine is shared: every tool runs once per round, rounds interleave the tools, and the
# report takes each step's median over the rounds (each round's figure is already a median).
ROUNDS="${ROUNDS:-3}"
BENCH_TARGET="$ROOT/target/bench"
export PATH="$ROOT/.tools/bin:$PATH"
mkdir -p "$OUT"
[ -f "$LOG" ] || { echo "run.sh: $LOG not found (set SPUR_SHARED_DATA)" >&2; exit 2; }
say() { echo "== $*" >&2; }

if [ -z "${SKIP_PM4PY:-}" ]; then
  say "peers: pm4py venv"
  bash bench/setup-peers.sh
fi

say "build: spur (release)"
cargo build --release -p spur --quiet
SPUR="$ROOT/target/release/spur"
say "build: rust4pm peer (release)"
CARGO_TARGET_DIR="$BENCH_TARGET" cargo build --release --quiet --manifest-path bench/rust4pm/Cargo.toml
if [ -z "${SKIP_WASM:-}" ] && ! command -v node >/dev/null 2>&1; then
  echo "run.sh: node not found: skipping the wasm32 runs (install Node >= 18, or set SKIP_WASM=1)" >&2
  SKIP_WASM=1
fi
if [ -z "${SKIP_WASM:-}" ]; then
  rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$' \
    || rustup target add wasm32-unknown-unknown
  say "build: spur-core for wasm32 (release)"
  CARGO_TARGET_DIR="$BENCH_TARGET" cargo build --release --quiet --lib --target wasm32-unknown-unknown \
    --manifest-path bench/wasm/Cargo.toml
fi
WASM="$BENCH_TARGET/wasm32-unknown-unknown/release/spur_bench_wasm.wasm"

BASE="$OUT/$(basename "$LOG" | sed -E 's/\.xes(\.gz)?$//')"
CSV="$BASE.csv"
PARQUET="$BASE.parquet"
say "convert: $LOG -> $CSV and $PARQUET (Spur's exporters)"
"$SPUR" convert "$LOG" "$CSV" >&2
"$SPUR" convert "$LOG" "$PARQUET" >&2

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  lscpu | head -n 15
  echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
  echo "rustc: $(rustc --version)"
  echo "node: $(node --version)"
  echo "python: $("$ROOT/.tools/bench-venv/bin/python" --version 2>&1 || true)"
  echo "pm4py: $(cat "$ROOT/.tools/bench-venv/PM4PY_VERSION" 2>/dev/null || echo 'not installed')"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/machine.txt"

run() { # run NAME CMD...: stdout (one JSON object) to OUT/NAME.rROUND.json, stderr to .log
  local name="$1"; shift
  say "run: $name, round $round of $ROUNDS (load $(cut -d' ' -f1 /proc/loadavg))"
  "$@" >"$OUT/$name.r$round.json" 2>"$OUT/$name.log" \
    || { echo "run.sh: $name failed, see $OUT/$name.log" >&2; return 1; }
}

rm -f "$OUT"/*.json
for round in $(seq 1 "$ROUNDS"); do
run spur-xes "$SPUR" bench-log "$LOG" --repeats "$REPEATS"
run spur-csv "$SPUR" bench-log "$CSV" --repeats "$REPEATS"
run spur-parquet "$SPUR" bench-log "$PARQUET" --repeats "$REPEATS"
run rust4pm-xes "$BENCH_TARGET/release/spur-bench-rust4pm" "$LOG" --repeats "$REPEATS"
if [ -z "${SKIP_WASM:-}" ]; then
  run wasm-xes node bench/wasm/run.mjs "$WASM" "$LOG" --repeats "$REPEATS"
  run wasm-csv node bench/wasm/run.mjs "$WASM" "$CSV" --repeats "$REPEATS"
fi
if [ -z "${SKIP_PM4PY:-}" ]; then
  PY="$ROOT/.tools/bench-venv/bin/python"
  run pm4py-xes "$PY" "$PEER_SCRIPT" "$LOG" --repeats "$REPEATS" --no-im
  run pm4py-csv "$PY" "$PEER_SCRIPT" "$CSV" --repeats "$REPEATS" --no-im
  run pm4py-parquet "$PY" "$PEER_SCRIPT" "$PARQUET" --repeats "$REPEATS" --no-im
fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"

python3 bench/report.py "$OUT" | tee "$OUT/report.md"
