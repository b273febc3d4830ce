#!/usr/bin/env bash
# Set up everything (scripts/setup.sh), build Spur, and run it on the bundled demo data:
# the CLI's summary in this terminal, the web app on 127.0.0.1:${SPUR_WEB_PORT:-8080} and the edge
# worker in local workerd on 127.0.0.1:${SPUR_EDGE_PORT:-8787}. Ctrl-C stops both.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/setup.sh
WEB_PORT=${SPUR_WEB_PORT:-8080}
EDGE_PORT=${SPUR_EDGE_PORT:-8787}
# Local only (admin needs ≥ 32 bytes); a deployment sets its own with `wrangler secret put ADMIN_TOKEN`.
export SPUR_ADMIN_TOKEN=${SPUR_ADMIN_TOKEN:-spur-dev-admin-token-not-a-secret-0123456789}

say "building the CLI, the web app and the edge worker"
cargo build -q --release -p spur
trunk build --quiet
scripts/build-edge.sh

say "the demo log, summarised by the CLI"
target/release/spur stats public/demo/laundry-bookings.csv

say "the laundry hunt: simulate three sources, merge them, look before and after the resets"
mkdir -p out
target/release/spur simulate laundry -o out/laundry
target/release/spur merge --entity machine --closes 'logged out' \
  out/laundry/states.csv:case=booking,activity=state \
  out/laundry/commands.csv:activity=command,resource=sender \
  out/laundry/errors.csv:activity=error -o out/laundry/merged.csv
target/release/spur before out/laundry/merged.csv reset --where source=states --describe sender_role
target/release/spur compare out/laundry/merged.csv --a has:reset --rest --top 8
target/release/spur map out/laundry/merged.csv -o out/laundry/map.svg --paths 0.8

say "the demo lead model: synthetic CRM leads, trained by the CLI (shipped to the edge below)"
target/release/spur leads generate -o out/leads.csv --rows 20000 --seed 1
target/release/spur leads train out/leads.csv --outcome won --value deal_value -o out/lead-model.spur

say "the demo shop: synthetic clickstream and profiles, a checkout recommender trained by the CLI"
target/release/spur reco generate -o out/shop --sessions 20000 --seed 1
target/release/spur reco train out/shop/clicks.csv --session session_id --item item_id \
  --time timestamp -o out/reco-model.spur

pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null; }
trap cleanup EXIT INT TERM
node tests/support/static-server.mjs dist "$WEB_PORT" & pids+=($!)
node tests/support/edge.mjs "$EDGE_PORT" & pids+=($!)

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$EDGE_PORT/health" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$WEB_PORT/" >/dev/null 2>&1 && break
  sleep 0.2
done
say "shipping the demo lead model to the edge (PUT /admin/model)"
curl -fsS -X PUT "http://127.0.0.1:$EDGE_PORT/admin/model" \
  -H "authorization: Bearer $SPUR_ADMIN_TOKEN" --data-binary @out/lead-model.spur
echo
say "shipping the demo recommender and the shop's customer profiles to the edge"
curl -fsS -X PUT "http://127.0.0.1:$EDGE_PORT/admin/model" \
  -H "authorization: Bearer $SPUR_ADMIN_TOKEN" --data-binary @out/reco-model.spur
echo
curl -fsS -X PUT "http://127.0.0.1:$EDGE_PORT/admin/profiles" \
  -H "authorization: Bearer $SPUR_ADMIN_TOKEN" --data-binary @<(head -n 900 out/shop/profiles.ndjson)
echo
cat <<MSG

Spur is running on the demo data:
  web app      http://127.0.0.1:$WEB_PORT/   (press "Open the demo log")
  edge worker  http://127.0.0.1:$EDGE_PORT/health
               curl -s -X POST http://127.0.0.1:$EDGE_PORT/leads/score -d '{"industry":"energy"}'
               curl -s -X POST http://127.0.0.1:$EDGE_PORT/recommend \\
                 -d '{"customer_id":"C000001","clicks":["P00940","P00300"],"basket":[],"k":5}'
               (admin token of this local edge: $SPUR_ADMIN_TOKEN)
Press Ctrl-C to stop.
MSG
wait
