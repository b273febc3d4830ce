#!/usr/bin/env bash
# wasm/native ratio of the process-model steps on every log of the golden suite (issue 14:
# "wasm ≤ 2× native"), one harness for both: bench/wasm's `model_step` compiled to wasm32 (run
# in Node's V8) and natively (`model-native`), each sample a batch of calls lasting ≥ 50 ms,
# medians. Alignments are left out on BPIC 2012 (32 s per call natively).
#
#   bench/model-ratio.sh            # REPEATS=5 WARM=2; the table on stdout
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SHARED="${SPUR_SHARED_DATA:-$ROOT/../shared/data}"
GOLDEN="$SHARED/golden/discovery"
T="$ROOT/target/bench"
export PATH="$ROOT/.tools/bin:$ROOT/node_modules/.bin:$PATH"
[ -d "$GOLDEN" ] || { echo "model-ratio.sh: $GOLDEN not found (set SPUR_SHARED_DATA)" >&2; exit 2; }
echo "== build: bench/wasm for wasm32 and natively (release)" >&2
CARGO_TARGET_DIR="$T" cargo build --release --quiet --lib --target wasm32-unknown-unknown \
  --manifest-path bench/wasm/Cargo.toml
CARGO_TARGET_DIR="$T" cargo build --release --quiet --bin model-native \
  --manifest-path bench/wasm/Cargo.toml
echo "| log | step | wasm (V8) | native | wasm / native |"
echo "|---|---|---|---|---|"
for net in "$GOLDEN"/*.imf.pnml; do
  name="$(basename "$net" .imf.pnml)"
  log="$SHARED/eventlogs/$name"
  steps=inductive_miner,token_replay,precision,alignments
  case "$name" in bpic2012*) steps=inductive_miner,token_replay,precision ;; esac
  echo "== $name" >&2
  node bench/wasm/model.mjs "$T/wasm32-unknown-unknown/release/spur_bench_wasm.wasm" \
    "$T/release/model-native" "$log" "$net" --repeats "${REPEATS:-5}" --warm "${WARM:-2}" \
    --steps "$steps" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);
      const log=r.log.split("/").pop();
      for (const x of r.rows) console.log(`| ${log} | ${x.step.replace("_"," ")} | ${x.wasm_ms} ms | ${x.native_ms} ms | ${x.ratio.toFixed(2)} |`);});'
done
