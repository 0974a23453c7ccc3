#!/usr/bin/env bash
# Starts a three-node Redis Cluster (masters only) on 127.0.0.1:7001-7003 for the cluster tests, unless
# one already answers there. Prints the REDIS_CLUSTER_NODES value on its last line. Never waits unbounded.
set -euo pipefail
ports=(7001 7002 7003)
nodes=$(printf '127.0.0.1:%s,' "${ports[@]}"); nodes=${nodes%,}

healthy() { timeout 5 redis-cli -p "${ports[0]}" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

if ! healthy; then
  dir=/tmp/renda-redis-cluster
  for port in "${ports[@]}"; do
    timeout 5 redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  done
  rm -rf "$dir" && mkdir -p "$dir"
  for port in "${ports[@]}"; do
    mkdir -p "$dir/$port"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" \
      --cluster-node-timeout 5000 --save "" --appendonly no --daemonize yes --dir "$dir/$port" \
      --logfile "$dir/$port/redis.log"
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 50); do timeout 2 redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done
  done
  timeout 30 redis-cli --cluster create ${nodes//,/ } --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 \
    || { cat "$dir/create.log" >&2; exit 1; }
  for _ in $(seq 1 50); do healthy && break; sleep 0.2; done
  healthy || { echo "Redis Cluster on ${ports[*]} did not reach cluster_state:ok" >&2; exit 1; }
fi
echo "$nodes"
