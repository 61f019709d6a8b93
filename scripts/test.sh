#!/usr/bin/env bash
# Runs the whole test suite with the real parts it needs: a Redis server, a
# headless Chromium and promtool. Each is found, or installed from Debian's
# packages when this runs as root, or the script stops and says how.
#
#   REDIS_URL   use this Redis instead of starting a throwaway one
#   GOTESTFLAGS extra flags for go test (default: -race -count=1)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null || die "go is not on PATH: install Go 1.26 (https://go.dev/dl) and retry"

apt_updated=
need_pkg() { # need_pkg PACKAGE COMMAND...: install PACKAGE unless one of COMMANDs exists
	local pkg=$1; shift
	for c in "$@"; do command -v "$c" >/dev/null 2>&1 && return 0; done
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
		die "$pkg is missing: run 'sudo apt-get install -y $pkg' (Debian/Ubuntu) and retry"
	fi
	say "installing $pkg (Debian package)"
	if [ -z "$apt_updated" ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null || die "apt-get install $pkg failed"
}

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

# Redis: a throwaway server on a free port unless REDIS_URL names one.
if [ -z "${REDIS_URL:-}" ]; then
	need_pkg redis-server redis-server
	started=
	for _ in $(seq 1 20); do
		port=$(( 20000 + RANDOM % 30000 ))
		redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
			--dir "$tmp" --logfile "$tmp/redis.log" >/dev/null 2>&1 &
		pid=$!
		for _ in $(seq 1 50); do
			if redis-cli -p "$port" ping >/dev/null 2>&1; then started=1; break; fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if [ -n "$started" ]; then pids+=("$pid"); break; fi
		kill "$pid" 2>/dev/null || true
	done
	[ -n "$started" ] || die "could not start redis-server on a free port (see $tmp/redis.log)"
	export REDIS_URL="redis://127.0.0.1:$port/0"
	say "throwaway redis-server on 127.0.0.1:$port"
fi
# redis-server stays needed for tests that start their own (restart, cluster).
need_pkg redis-server redis-server

# Headless Chromium for the browser tests.
need_pkg chromium chromium chromium-headless-shell
if [ -z "${RECRUITSCAN_CHROME:-}" ]; then
	RECRUITSCAN_CHROME=$(command -v chromium || command -v chromium-headless-shell)
	export RECRUITSCAN_CHROME
fi

# promtool (Debian's prometheus package) for alert-rule tests.
need_pkg prometheus promtool
export PROMTOOL=${PROMTOOL:-$(command -v promtool)}
export PROMETHEUS=${PROMETHEUS:-$(command -v prometheus || true)}

say "go test ${GOTESTFLAGS:--race -count=1} ./..."
# shellcheck disable=SC2086
go test ${GOTESTFLAGS:--race -count=1} -timeout 20m ./...
