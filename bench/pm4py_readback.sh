#!/usr/bin/env bash
# Issue 14's acceptance check: a PNML or BPMN file Spur writes, read back by pm4py, gives pm4py
# the same token-replay fitness as Spur computes (bench/pm4py_readback.py does the work).
#
#   bench/pm4py_readback.sh                 # every ../shared/data/eventlogs/*.xes*
#   bench/pm4py_readback.sh LOG...          # only these logs
#
# pm4py comes from the bench venv (bench/setup-peers.sh, run when missing). The check is about
# numbers, not speed, so the debug spur is used. Models go to out/bench/readback/ (gitignored).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.tools/bench-venv/bin/python"
[ -x "$PY" ] || bash bench/setup-peers.sh
cargo build -q -p spur
SPUR="${CARGO_TARGET_DIR:-$ROOT/target}/debug/spur"
if [ "$#" -eq 0 ]; then
  set -- "$ROOT"/../shared/data/eventlogs/*.xes*
fi
exec "$PY" bench/pm4py_readback.py "$SPUR" "$ROOT/out/bench/readback" "$@"
