#!/usr/bin/env bash
# k-means: Spur vs scikit-learn, same data file, same machine, one thread each.
# usage: bench/kmeans.sh            (env: ROWS DIMS K ITERS SEED REPEATS SHARED)
# Creates .tools/bench-venv (scikit-learn + numpy) if missing, writes seeded uniform data to a
# CSV in $TMPDIR, runs `spur bench kmeans` and shared/bench/sklearn_kmeans.py on it, prints
# both JSON lines and the ratio (sklearn seconds / spur seconds: > 1 means Spur is faster).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-100000} DIMS=${DIMS:-20} K=${K:-8} ITERS=${ITERS:-20} SEED=${SEED:-0} REPEATS=${REPEATS:-5}
SHARED=${SHARED:-../shared}
VENV=.tools/bench-venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sklearn, numpy' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q scikit-learn numpy
fi
cargo build --release -q -p spur
DATA=${TMPDIR:-/tmp}/spur-kmeans-${ROWS}x${DIMS}-seed${SEED}.csv
[ -s "$DATA" ] || target/release/spur bench kmeans --rows "$ROWS" --dims "$DIMS" --seed "$SEED" --write-csv "$DATA"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
SPUR=$(target/release/spur bench kmeans --data "$DATA" --k "$K" --iters "$ITERS" --seed "$SEED" --repeats "$REPEATS")
SKLEARN=$("$VENV/bin/python" "$SHARED/bench/sklearn_kmeans.py" "$DATA" --k "$K" --iters "$ITERS" --seed "$SEED" --repeats "$REPEATS")
# The same fit on float32 input (Spur computes in f32 with f64 sums): the like-for-like precision.
SKLEARN32=$("$VENV/bin/python" - "$DATA" "$K" "$ITERS" "$SEED" "$REPEATS" <<'PY'
import os, sys, json, statistics, time
import numpy as np
from sklearn.cluster import KMeans
path, k, iters, seed, repeats = sys.argv[1], *map(int, sys.argv[2:])
X = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
ts = []
for _ in range(repeats):
    km = KMeans(n_clusters=k, n_init=1, max_iter=iters, tol=0.0, algorithm="lloyd", random_state=seed)
    t = time.perf_counter(); km.fit(X); ts.append(time.perf_counter() - t)
print(json.dumps({"tool": "scikit-learn-float32", "n_iter": int(km.n_iter_), "seconds": statistics.median(ts), "inertia": float(km.inertia_)}))
PY
)
echo "$SPUR"
echo "$SKLEARN"
echo "$SKLEARN32"
"$VENV/bin/python" - "$SPUR" "$SKLEARN" "$SKLEARN32" <<'PY'
import json, sys
spur, sk, sk32 = (json.loads(a) for a in sys.argv[1:4])
print(json.dumps({"ratio_sklearn_over_spur": round(sk["seconds"] / spur["seconds"], 2),
                  "ratio_sklearn_float32_over_spur": round(sk32["seconds"] / spur["seconds"], 2),
                  "spur_seconds": round(spur["seconds"], 4), "sklearn_seconds": round(sk["seconds"], 4),
                  "inertia_spur_over_sklearn": round(spur["inertia"] / sk["inertia"], 4)}))
PY
