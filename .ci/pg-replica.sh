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
  if [ -f "$dir/postmaster.pid" ]; then
    as_postgres timeout 30 "$bin/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  # A replication slot keeps the WAL the replica has not received yet: on a busy primary (wal_keep_size 0)
  # the segments written during the copy are otherwise recycled before the replica asks for them.
  primary "select pg_drop_replication_slot('$slot') from pg_replication_slots where slot_name = '$slot'" >/dev/null
  as_postgres timeout 300 "$bin/pg_basebackup" -h 127.0.0.1 -p 5432 -U postgres -D "$dir" -R -X stream -C -S "$slot"
  # The primary's postgresql.conf and pg_hba.conf live in /etc, outside the copied data directory.
  cat >"$dir/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '/tmp'
hot_standby = on
max_connections = 100
CONF
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$dir/pg_hba.conf"
  : >"$dir/pg_ident.conf"
  chown postgres:postgres "$dir/postgresql.conf" "$dir/pg_hba.conf" "$dir/pg_ident.conf"
  as_postgres timeout 90 "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$dir/server.log" >&2; exit 1; }
  for _ in $(seq 1 60); do [ "$(in_recovery)" = t ] && break; sleep 0.5; done
  [ "$(in_recovery)" = t ] || { echo "the replica on port $port is not in recovery" >&2; exit 1; }
fi
echo "postgres://postgres@127.0.0.1:$port"
