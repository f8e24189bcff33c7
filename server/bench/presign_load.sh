#!/usr/bin/env bash
# Bounded load test of POST /presign on loopback with wrk.
#
# Starts `lasso-server dev` on ephemeral 127.0.0.1 ports (release build, or $LASSO_SERVER_BIN),
# runs wrk for at most 10 s, prints requests/s and p99 latency, and stops the server.
# Usage: server/bench/presign_load.sh [seconds (1-10, default 8)] [connections (default 16)]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
secs="${1:-8}"
conns="${2:-16}"
if ! [[ "$secs" =~ ^[0-9]+$ ]] || (( secs < 1 || secs > 10 )); then
  echo "duration must be 1..10 seconds" >&2; exit 2
fi
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

bin="${LASSO_SERVER_BIN:-}"
if [[ -z "$bin" ]]; then
  (cd "$repo" && cargo build -q --release -p lasso-server --bin lasso-server)
  bin="${CARGO_TARGET_DIR:-$repo/target}/release/lasso-server"
fi

data="$(mktemp -d)"
out="$(mktemp)"
"$bin" dev --data-dir "$data" --host 127.0.0.1 --s3-port 0 --port 0 >"$out" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data" "$out"' EXIT

for _ in $(seq 100); do grep -q "ready" "$out" && break; sleep 0.1; done
api="$(awk '/^lasso-server: api /{print $3}' "$out")"
case "$api" in
  http://127.0.0.1:*) ;;
  *) echo "server did not start on loopback: $(cat "$out")" >&2; exit 1 ;;
esac

result="$(wrk -t2 -c"$conns" -d"${secs}s" --timeout 2s --latency -s "$here/presign.lua" "$api/presign")"
echo "$result"
if grep -q "Non-2xx" <<<"$result"; then
  echo "FAIL: some requests were refused" >&2; exit 1
fi
rps="$(awk '/^Requests\/sec:/{print $2}' <<<"$result")"
p99="$(awk '$1=="99%"{print $2}' <<<"$result")"
echo "presign_load: ${rps} requests/s, p99 ${p99} (${conns} connections, ${secs} s, 127.0.0.1)"
