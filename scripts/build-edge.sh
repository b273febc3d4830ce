#!/usr/bin/env bash
# Build the edge worker bundle into worker/build/: wasm (cargo) → JS glue (wasm-bindgen) →
# smaller wasm (wasm-opt) → entry shim. Does by hand what worker-build would, without downloads.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/.tools/bin:$ROOT/node_modules/.bin:$PATH"
OUT=worker/build
cargo build -q -p spur-edge --target wasm32-unknown-unknown --profile wasm-release
rm -rf "$OUT" && mkdir -p "$OUT"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" --out-name index \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/spur_edge.wasm"
wasm-opt -Oz "$OUT/index_bg.wasm" -o "$OUT/index_bg.wasm"
cp worker/shim.mjs "$OUT/shim.mjs"
echo "edge bundle: $OUT ($(gzip -c "$OUT/index_bg.wasm" | wc -c) bytes of wasm, gzipped)"
