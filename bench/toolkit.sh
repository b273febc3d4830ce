#!/usr/bin/env bash
# Issue 4's toolkit benchmark: every operation of `spur bench-toolkit` on one log (default
# BPIC2012) and pm4py's equivalent where one exists, in one run, as a Markdown table with ratios.
# Usage: bench/toolkit.sh [LOG] [REPEATS]   (pm4py venv: bench/setup-peers.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LOG="${1:-$ROOT/../shared/data/eventlogs/bpic2012.xes.gz}"
REPEATS="${2:-7}"
bash "$ROOT/bench/setup-peers.sh"
cargo build -q --release -p spur --manifest-path "$ROOT/Cargo.toml"
OUT="$(mktemp -d)"
"$ROOT/target/release/spur" bench-toolkit "$LOG" --repeats "$REPEATS" >"$OUT/spur.json"
"$ROOT/.tools/bench-venv/bin/python" "$ROOT/bench/pm4py_toolkit.py" "$LOG" 3 >"$OUT/pm4py.txt"
python3 - "$OUT/spur.json" "$OUT/pm4py.txt" <<'PY'
import json, re, sys
spur = json.load(open(sys.argv[1]))["milliseconds"]
text = open(sys.argv[2]).read()
pm = json.JSONDecoder().raw_decode(text[text.index("{"):])[0]["milliseconds"]  # pm4py prints a banner too
def key(name):  # match "filter time:…:contained" with pm4py's "filter time:contained", strip gaps
    name = re.sub(r"time:\S+:(\w+)$", r"time:\1", name)
    return re.sub(r"<=\S+$", "", name.split(" (")[0])
peer = {key(k): v for k, v in pm.items()}
print("| operation | Spur ms | pm4py ms | pm4py / Spur |\n|---|---:|---:|---:|")
for name, ms in spur.items():
    p = peer.get(key(name))
    ratio = f"{p / ms:.0f}×" if p else "—"
    print(f"| {name} | {ms:.1f} | {p:.0f} | {ratio} |" if p else f"| {name} | {ms:.1f} | — | — |")
PY
