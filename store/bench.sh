#!/usr/bin/env bash
# Prints the store's figures: enqueue and SaveResults throughput (items/s),
# claim+decide round-trip p50/p99 with 100,000 pending items, and Redis
# memory per queued ad, each beside redis-benchmark run against the same
# redis-server (started by the benchmarks on a free loopback port) in the
# same run, with the ratios.
#
#   store/bench.sh            # 5,000 operations per benchmark
#   N=20000 store/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null ||
	{ echo "bench.sh: needs redis-server and redis-benchmark (apt-get install redis-server)" >&2; exit 1; }
go test -run '^$' -bench . -benchtime "${N:-5000}x" ./store | grep -v ' over 1;' | grep -v 'over 1 with'
