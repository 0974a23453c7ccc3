#!/usr/bin/env bash
# Starts a streaming replica of the CI PostgreSQL (127.0.0.1:5432) on 127.0.0.1:5433, unless one already
# answers there. Prints the DATABASE_REPLICA_URLS value on its last line. Every wait is bounded.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=/tmp/renda-replica
port=5433
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }
slot=renda_ci_replica
# "t" when the server on $port is a standby that streams from the primary.
in_recovery() {
  timeout 5 psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc \
    "select pg_is_in_recovery() and exists (select from pg_stat_wal_receiver where status = 'streaming')" \
    2>/dev/null || true
}
primary() { timeout 10 psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atc "$1"; }

if [ "$(in_recovery)" != t ]; then
  # Replication connections from 127.0.0.1 as postgres: the "all" database of pg_hba.conf does not cover
  # them. wal_level=replica and max_wal_senders=10 are PostgreSQL 15's defaults.
  replication="host=127.0.0.1 port=5432 user=postgres replication=true"
  if ! timeout 10 psql "$replication" -Atc 'IDENTIFY_SYSTEM' >/dev/null 2>&1; then
    echo 'host replication postgres 127.0.0.1/32 trust # renda CI replica' >>"$(primary 'show hba_file')"
    primary 'select pg_reload_conf()' >/dev/null
    sleep 1
  fi
  # A stopped replica whose slot still exists catches up from the WAL the slot kept: start it again.
  if [ -f "$dir/standby.signal" ] && [ ! -f "$dir/postmaster.pid" ] \
    && [ "$(primary "select count(*) from pg_replication_slots where slot_name = '$slot'")" = 1 ]; then
    as_postgres timeout 90 "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do [ "$(in_recovery)" = t ] && break; sleep 0.5; done
  fi
fi
if [ "$(in_recovery)" != t ]; then
  if [ -f "$dir/postmaster.pid" ]; then
    as_postgres timeout 30 "$bin/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  # A replication slot keeps the WAL the replica has not received yet: on a busy primary (wal_keep_size 0)
  # the segments written during the copy are otherwise recycled before the replica asks for them.
  # The slot of a replica stopped a moment ago may still be active until its WAL sender exits.
  for _ in $(seq 1 20); do
    primary "select pg_drop_replication_slot('$slot') from pg_replication_slots where slot_name = '$slot'" \
      >/dev/null 2>&1 && break
    sleep 0.5
  done
  as_postgres timeout 300 "$bin/pg_basebackup" -h 127.0.0.1 -p 5432 -U postgres -D "$dir" -R -X stream -C -S "$slot"
  # The primary's postgresql.conf and pg_hba.conf live in /etc, outside the copied data directory. A hot
  # standby needs these settings at least as high as the primary's.
  {
    printf "port = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '/tmp'\nhot_standby = on\n" "$port"
    for name in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
      max_locks_per_transaction; do
      echo "$name = $(primary "show $name")"
    done
  } >"$dir/postgresql.conf"
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$dir/pg_hba.conf"
  : >"$dir/pg_ident.conf"
  chown postgres:postgres "$dir/postgresql.conf" "$dir/pg_hba.conf" "$dir/pg_ident.conf"
  as_postgres timeout 90 "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$dir/server.log" >&2; exit 1; }
  for _ in $(seq 1 60); do [ "$(in_recovery)" = t ] && break; sleep 0.5; done
  [ "$(in_recovery)" = t ] || { echo "the replica on port $port is not in recovery" >&2; exit 1; }
fi
echo "postgres://postgres@127.0.0.1:$port"
