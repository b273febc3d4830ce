#!/usr/bin/env bash
# Run every cargo-fuzz target of fuzz/ for a bounded time and stop at the first crash.
#
#   bench/fuzz.sh                 # every target, FUZZ_SECONDS (default 60) each
#   FUZZ_SECONDS=600 bench/fuzz.sh csv_import xes_import
#
# Needs cargo-fuzz (installed into .tools/ on first use) and libFuzzer's nightly flags, which we
# unlock on the stable toolchain with RUSTC_BOOTSTRAP=1. Seeds come from the project's test data
# and, when present, the small logs of ../shared/data (copied into the gitignored fuzz/corpus/).
# A crash leaves its input under fuzz/artifacts/<target>/; keep it as a regression file under
# core/test_data/fuzz-crashes/<target>-<hash>.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SECONDS_EACH="${FUZZ_SECONDS:-60}"
SANITIZER="${FUZZ_SANITIZER:-none}"   # `address` is slower; the parsers hold no unsafe code
SHARED="${SPUR_SHARED_DATA:-$ROOT/../shared/data}"
export RUSTC_BOOTSTRAP=1
export PATH="$ROOT/.tools/bin:$PATH"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz into .tools/ (a few minutes)" >&2
  cargo install cargo-fuzz --locked --root "$ROOT/.tools"
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cd fuzz && cargo fuzz list)
fi

seed() { # seed TARGET FILE...: copy small existing files into the target's corpus
  local dir="fuzz/corpus/$1"; shift
  mkdir -p "$dir"
  local f
  for f in "$@"; do
    [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 65536 ] && cp "$f" "$dir/seed-$(basename "$f")"
  done
  return 0
}
shopt -s nullglob globstar
for t in "${targets[@]}"; do
  case "$t" in
    summary|csv_import) seed "$t" core/test_data/**/*.csv core/test_data/**/*.tsv "$SHARED"/eventlogs/*.csv ;;
    xes_import) seed "$t" core/test_data/**/*.xes "$SHARED"/eventlogs/running-example.xes ;;
    lead_request) seed "$t" core/test_data/**/*.json ;;
    log_summary_file) seed "$t" core/test_data/summary/*.json ;;
    edge_request) seed "$t" core/test_data/edge/*.http ;;
    parquet_read) seed "$t" core/test_data/**/*.parquet "$SHARED"/eventlogs/running-example.parquet ;;
    arrow_ipc_read) seed "$t" core/test_data/**/*.arrow ;;
    ocel_json) seed "$t" core/test_data/ocel/**/*.jsonocel "$SHARED"/eventlogs/ocel20_example.jsonocel ;;
    ocel_xml) seed "$t" core/test_data/ocel/**/*.xmlocel "$SHARED"/eventlogs/ocel20_example.xmlocel ;;
    ocel_sqlite) seed "$t" core/test_data/ocel/**/*.sqlite "$SHARED"/eventlogs/ocel20_example.sqlite ;;
    stream_events) seed "$t" core/test_data/stream/*.csv core/test_data/stream/*.json cli/tests/data/stream*.csv ;;
  esac
done
# Arrow IPC and Parquet seeds written by Spur itself (needs the CLI; built when missing).
if [[ " ${targets[*]} " == *" arrow_ipc_read "* || " ${targets[*]} " == *" parquet_read "* ]] \
   && [ -f "$SHARED/eventlogs/running-example.xes" ]; then
  [ -x target/release/spur ] || cargo build --release -q -p spur
  mkdir -p fuzz/corpus/arrow_ipc_read fuzz/corpus/parquet_read
  target/release/spur convert "$SHARED/eventlogs/running-example.xes" fuzz/corpus/arrow_ipc_read/seed-running.arrow 2>/dev/null || true
  target/release/spur convert "$SHARED/eventlogs/running-example.xes" fuzz/corpus/parquet_read/seed-running.parquet 2>/dev/null || true
fi

mkdir -p fuzz/artifacts
echo "== building ${#targets[@]} fuzz targets" >&2
for t in "${targets[@]}"; do
  if ! (cd fuzz && cargo fuzz build --sanitizer "$SANITIZER" "$t" 2>&1 | tail -n 20 >&2; exit "${PIPESTATUS[0]}"); then
    echo "fuzz.sh: fuzz target $t does not build (see above): nothing was fuzzed" >&2
    exit 2
  fi
done
status=0
for t in "${targets[@]}"; do
  echo "== fuzz $t for ${SECONDS_EACH}s (sanitizer: $SANITIZER)" >&2
  if (cd fuzz && cargo fuzz run --sanitizer "$SANITIZER" "$t" -- \
        -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
        2> >(tee "$ROOT/fuzz/artifacts/last-$t.log" | grep -E '^(stat::number_of_executed_units|==|SUMMARY|thread)' >&2)); then
    echo "== $t: clean" >&2
  else
    echo "== $t: CRASH, see fuzz/artifacts/$t/ and fuzz/artifacts/last-$t.log" >&2
    status=1
  fi
done
exit $status
