#!/usr/bin/env bash
# Set up everything (scripts/setup.sh) and run every test suite of Spur. Exits non-zero if any
# suite fails; runs them all first so one failure does not hide another. .ci/run calls this.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/setup.sh || { echo "spur: setup failed" >&2; exit 1; }
started=$SECONDS
# One-shot builds gain nothing from incremental caches, which double the debug target's size.
export CARGO_INCREMENTAL=0
passed=0
failed=()

suite() {
  local name=$1; shift
  printf '\n==> [%s] %s\n' "$name" "$*"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); printf '<== [%s] ok (%ss)\n' "$name" $((SECONDS - t0))
  else
    failed+=("$name"); printf '<== [%s] FAILED (%ss)\n' "$name" $((SECONDS - t0))
  fi
}

suite fmt cargo fmt --all -- --check
suite clippy-native cargo clippy -q -p spur-core -p spur --all-targets -- -D warnings
suite clippy-wasm cargo clippy -q -p spur-core -p spur-app -p spur-edge --target wasm32-unknown-unknown -- -D warnings
suite unit-native cargo test -q --workspace --exclude spur-app --exclude spur-edge
suite wasm-core-chromium cargo test -p spur-core --target wasm32-unknown-unknown --test wasm
suite build-app trunk build --quiet
suite build-edge scripts/build-edge.sh
if [[ " ${failed[*]} " == *" build-edge "* ]]; then
  failed+=("edge-e2e (not run: no bundle)")
else
  suite edge-e2e node --test --test-reporter=spec tests/edge/
fi
if [[ " ${failed[*]} " == *" build-app "* ]]; then
  failed+=("browser-e2e (not run: no app build)")
else
  suite browser-e2e node --test --test-concurrency=1 --test-reporter=spec tests/browser/
fi

printf '\n%d suites in %ss\n' $((passed + ${#failed[@]})) $((SECONDS - started))
[ ${#failed[@]} -eq 0 ] || printf 'failed: %s\n' "${failed[*]}"
printf 'suites: %d passed, %d failed\n' "$passed" "${#failed[@]}"
[ ${#failed[@]} -eq 0 ]
