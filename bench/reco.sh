#!/usr/bin/env bash
# Spur's recommender against the reference V-SKNN (bench/reco_vsknn.py, a port of session-rec's
# vsknn.py) on the same time split of the synthetic shop, plus Spur's timings (docs/BENCHMARKS.md).
#
#   bench/reco.sh [SESSIONS] [ITEMS]          # default 20000 sessions over 1000 items
#   RECO_BENCH_CLICKS=1 bench/reco.sh         # also: training time on ~1M clicks, 100k-item model
#
# Needs a Python with numpy and pandas: $RECO_PY, else .tools/bench-venv (bench/setup-peers.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SESSIONS="${1:-20000}"
ITEMS="${2:-1000}"
PY="${RECO_PY:-$ROOT/.tools/bench-venv/bin/python}"
OUT="${RECO_OUT:-$ROOT/out/reco-bench}"
mkdir -p "$OUT"
cargo build --release -p spur >&2
SPUR="${CARGO_TARGET_DIR:-$ROOT/target}/release/spur"
COLS=(--session session_id --item item_id --time timestamp)

"$SPUR" reco generate -o "$OUT/shop" --sessions "$SESSIONS" --items "$ITEMS" --seed 1
echo "== same split (last 3 days as test), HR@20 / MRR@20 =="
"$SPUR" reco evaluate "$OUT/shop/clicks.csv" "${COLS[@]}" --test-days 3 --k 20 --json >"$OUT/spur.json"
"$SPUR" reco evaluate "$OUT/shop/clicks.csv" "${COLS[@]}" --test-days 3 --k 20 --blend 1,0,0,0 --json >"$OUT/spur-vsknn.json"
"$PY" bench/reco_vsknn.py "$OUT/shop/clicks.csv" --test-days 3 --k 20 --json >"$OUT/reference.json"
"$PY" - "$OUT" <<'PY'
import json, sys
o = sys.argv[1]
s = json.load(open(f"{o}/spur.json")); v = json.load(open(f"{o}/spur-vsknn.json")); r = json.load(open(f"{o}/reference.json"))
print(f"positions: spur {s['test_positions']}, reference {r['test_positions']}")
rows = [("Spur (tuned blend)", s["spur"]), ("Spur V-SKNN only", v["spur"]), ("reference V-SKNN (Python)", r["vsknn"]),
        ("item-kNN baseline", s["baselines"]["item_knn"]), ("popularity baseline", s["baselines"]["pop"])]
print("| model | HR@20 | MRR@20 |\n|---|---|---|")
for n, m in rows:
    print(f"| {n} | {m['hr']:.4f} | {m['mrr']:.4f} |")
print(f"reference fit {r['fit_seconds']:.2f} s, {r['predict_us_per_position']:.0f} us per position")
print("blend chosen:", s["params"]["blend"])
PY
echo "== timings on the shop =="
"$SPUR" reco bench "$OUT/shop/clicks.csv" "${COLS[@]}" --repeats 3 | tee "$OUT/bench-small.json"
if [ -n "${RECO_BENCH_CLICKS:-}" ]; then
  echo "== ~1M clicks, 100k items =="
  "$SPUR" reco generate -o "$OUT/big" --sessions 260000 --items 100000 --seed 2
  "$SPUR" reco bench "$OUT/big/clicks.csv" "${COLS[@]}" --repeats 3 | tee "$OUT/bench-1m.json"
fi
