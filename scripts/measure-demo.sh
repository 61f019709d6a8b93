#!/usr/bin/env bash
# Prints the demo's figures: build time, time from start to "ready", peak
# RSS at ready, and scan throughput on the dev corpus (replicated).
#   scripts/measure-demo.sh [DEV_CORPUS]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/data/dev-ads.jsonl}
bin=$(mktemp -d)/recruitscan
t0=$(date +%s.%N)
go build -o "$bin" ./cmd/recruitscan
t1=$(date +%s.%N)
printf 'build:               %6.2f s\n' "$(echo "$t1 - $t0" | bc)"

log=$(mktemp)
port=$(( 20000 + RANDOM % 30000 ))
t0=$(date +%s.%N)
"$bin" demo --listen "127.0.0.1:$port" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
	grep -q "ready in" "$log" && break
	kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
	sleep 0.05
done
t1=$(date +%s.%N)
grep -q "ready in" "$log" || { echo "demo not ready after 30 s"; cat "$log"; exit 1; }
printf 'demo start → ready:  %6.2f s (wall, measured outside; the demo says: %s)\n' "$(echo "$t1 - $t0" | bc)" "$(grep -o 'ready in .*' "$log")"
printf 'demo peak RSS:       %6.1f MB (VmHWM at ready)\n' "$(awk '/VmHWM/ {print $2/1024}' /proc/$pid/status)"
grep -E "crawled|flagged/classified" "$log" | sed 's/^ */  /'
curl -fsS "http://127.0.0.1:$port/metrics" >/dev/null && echo "  /metrics answers"
kill $pid; wait $pid 2>/dev/null || true

# scan throughput: the corpus replicated to ~20,000 ads, ids made unique.
big=$(mktemp)
n=$(wc -l <"$corpus")
reps=$(( 20000 / n + 1 ))
for i in $(seq 1 $reps); do sed "s/\"id\": *\"/\"id\": \"r$i-/" "$corpus"; done >"$big"
ads=$(wc -l <"$big")
mb=$(du -m "$big" | cut -f1)
t0=$(date +%s.%N)
"$bin" scan --format jsonl "$big" >/dev/null
t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc)
printf 'scan:                %d ads (%s MB) in %.2f s = %.0f ads/s on %d cores (load included)\n' "$ads" "$mb" "$secs" "$(echo "$ads / $secs" | bc -l)" "$(nproc)"
t0=$(date +%s.%N)
"$bin" scan --format jsonl "$corpus" >/dev/null
t1=$(date +%s.%N)
printf 'scan cold start:     %6.2f s for the %d-ad dev corpus\n' "$(echo "$t1 - $t0" | bc)" "$n"
rm -f "$big" "$log"
