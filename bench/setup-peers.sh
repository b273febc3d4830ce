#!/usr/bin/env bash
# Install the benchmark peers for docs/BENCHMARKS.md, idempotently:
#   - pm4py (AGPL) and pyarrow into their own venv .tools/bench-venv: a peer to measure against,
#     never a dependency of Spur. Skipped when already importable there.
#   - rust4pm (the `process_mining` crate) needs no install step: bench/rust4pm is a small crate
#     outside the workspace that cargo builds on demand (bench/run.sh).
# Prints the installed pm4py version and records it in .tools/bench-venv/PM4PY_VERSION.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$ROOT/.tools/bench-venv"
PY="${PYTHON:-python3}"
PM4PY_SPEC="${PM4PY_SPEC:-pm4py}"

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import pm4py, pyarrow' >/dev/null 2>&1; then
  echo "setup-peers: pm4py already installed in $VENV" >&2
else
  echo "setup-peers: creating $VENV and installing $PM4PY_SPEC (a few minutes)" >&2
  mkdir -p "$ROOT/.tools"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  # pyarrow: pandas needs it to read Parquet (pm4py's Parquet path).
  "$VENV/bin/python" -m pip install --quiet "$PM4PY_SPEC" pyarrow
fi
"$VENV/bin/python" -c 'import pm4py, pandas; print(pm4py.__version__)' >"$VENV/PM4PY_VERSION"
echo "setup-peers: pm4py $(cat "$VENV/PM4PY_VERSION") ($VENV)" >&2
