#!/usr/bin/env bash
# A PostgreSQL cluster of the benchmark's own on 127.0.0.1:${BENCH_PG_PORT:-5434} (trust auth, no fsync),
# so that nothing else on the machine writes to it while it measures: other processes' writes on a shared
# cluster change PostgreSQL's snapshot, which the subgraphs' answer cache keys on. Idempotent; prints the
# DATABASE_URL to use on its last line. `bash gateway/bench/own-postgres.sh stop` stops it.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
port=${BENCH_PG_PORT:-5434}
dir=/tmp/renda-bench-pg-$port
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }
if [ "${1:-}" = stop ]; then
  as_postgres "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
  exit 0
fi
if ! pg_isready -h 127.0.0.1 -p "$port" -q 2>/dev/null; then
  if [ ! -f "$dir/PG_VERSION" ]; then
    rm -rf "$dir" && mkdir -p "$dir" && chown postgres "$dir"
    as_postgres "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_postgres timeout 60 "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 50 \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200 -c shared_buffers=256MB" \
    start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"
