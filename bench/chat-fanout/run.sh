#!/usr/bin/env bash
# Chat fan-out benchmark: starts ./relaycast in its own process (embedded H2, or DATABASE_URL if set),
# runs bench.mjs against it and prints one JSON line of results. Arguments: [clients] [rate] [seconds].
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >/dev/null
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PORT=$port SIGNALING_PORT=$sport DATA_DIR=$data JAVA_OPTS="${JAVA_OPTS:--Xmx1g}" "$root/relaycast" >"$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
# the java process is the child of the exec'd script: same pid
node "$here/bench.mjs" "http://127.0.0.1:$port" "$pid" "${1:-1000}" "${2:-50}" "${3:-60}"
