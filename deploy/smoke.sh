#!/usr/bin/env bash
# Starts the compiled JavaScript (`pnpm build` first) the way the image runs it: each subgraph's and
# the gateway's dist/index.js as its own process, on a fresh PostgreSQL database, and asks the gateway
# one question that crosses all four subgraphs. Needs DATABASE_URL's server (a database
# `renda_dist_smoke` is created and dropped) and ports 4700-4704 of 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

admin_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
db_url="${admin_url%/*}/renda_dist_smoke"
export PGOPTIONS="-c client_min_messages=warning"
psql "$admin_url" -qc 'drop database if exists renda_dist_smoke' -c 'create database renda_dist_smoke'

pids=()
logs=$(mktemp -d)
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$admin_url" -qc 'drop database if exists renda_dist_smoke' || true
}
trap cleanup EXIT

export HOST=127.0.0.1 LOG_LEVEL=warn
export DEPUTIES_URL=http://127.0.0.1:4701/graphql SUGGESTIONS_URL=http://127.0.0.1:4702/graphql
export SUPERVISION_URL=http://127.0.0.1:4703/graphql VOTING_URL=http://127.0.0.1:4704/graphql
port=4701
for service in deputies suggestions supervision voting; do
  DATABASE_URL="$db_url" PORT=$port node services/$service/dist/index.js >"$logs/$service.log" 2>&1 &
  pids+=($!)
  port=$((port + 1))
done
PORT=4700 node gateway/dist/index.js >"$logs/gateway.log" 2>&1 &
pids+=($!)

# Subgraphs migrate their schemas at start; wait until each answers.
for port in 4701 4702 4703 4704 4700; do
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
done

token=$(pnpm -s dev-token --role ADMIN)
post() {
  curl -s http://127.0.0.1:4700/graphql -H 'content-type: application/json' -H "authorization: Bearer $token" \
    -d "$(node -e 'console.log(JSON.stringify({ query: process.argv[1] }))' "$1")"
}
# A fresh database has no regions: register the province (a write through the compiled gateway) first.
post 'mutation { createRegion(input: { code: "43", name: "湖南省", level: PROVINCE }) { code } }' >/dev/null
query='{ region(code: "43") { code deputyStats(year: 2026) { activeDeputies }
  supervisionStats(year: 2026) { documentsFiled } suggestionStats(year: 2026) { total }
  votingStats(year: 2026) { programs } } }'
answer=$(post "$query")
echo "compiled gateway and subgraphs answered: $answer"
if ! grep -q '"votingStats"' <<<"$answer" || grep -q '"errors"' <<<"$answer" || grep -q '"region":null' <<<"$answer"; then
  for f in "$logs"/*.log; do echo "--- $f"; tail -n 20 "$f"; done
  exit 1
fi
