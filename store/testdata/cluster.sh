#!/usr/bin/env bash
# Starts a throwaway 3-master Redis Cluster on loopback ports from
# redis-server, runs a command with STORE_CLUSTER_URL pointing at it, and
# stops the cluster afterwards. Without a command it runs the store suite:
#
#   store/testdata/cluster.sh                      # go test -race -count=1 ./store
#   store/testdata/cluster.sh go test -run Cluster ./store
#
# (The store tests start such a cluster by themselves when
# STORE_CLUSTER_URL is unset; this script is for running it by hand or from
# a make target, and for sharing one cluster between several test runs.)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v redis-server >/dev/null || { echo "cluster.sh: redis-server missing: apt-get install redis-server" >&2; exit 1; }

dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
addrs=()
for i in 1 2 3; do
	for _ in $(seq 1 50); do
		port=$(( 20000 + RANDOM % 20000 ))
		free "$port" && free $((port + 10000)) && break
	done
	mkdir -p "$dir/$i"
	redis-server --port "$port" --bind 127.0.0.1 --dir "$dir/$i" --save '' --appendonly no \
		--cluster-enabled yes --cluster-config-file nodes.conf --logfile "$dir/$i/redis.log" &
	pids+=($!)
	addrs+=("127.0.0.1:$port")
	for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
for a in "${addrs[@]}"; do
	for _ in $(seq 1 100); do
		redis-cli -h "${a%:*}" -p "${a#*:}" cluster info | grep -q 'cluster_state:ok' && break
		sleep 0.1
	done
done
STORE_CLUSTER_URL="redis://$(IFS=,; echo "${addrs[*]}")"
export STORE_CLUSTER_URL
echo "==> redis cluster at $STORE_CLUSTER_URL" >&2
if [ $# -eq 0 ]; then set -- go test -race -count=1 ./store; fi
"$@"
