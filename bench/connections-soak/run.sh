#!/usr/bin/env bash
# Connections soak: one Relaycast node (java -jar web/target/relaycast.jar, ZGC, 1 GiB heap, embedded H2),
# W WebSocket + P long-polling Socket.IO clients held for the duration with heartbeats and a slow chat trickle.
#   bench/connections-soak/run.sh [--minutes 10 | --seconds N] [--websocket 10000] [--polling 1000] [--chat 1] [--no-build]
# Builds the jar through the reactor (mvn -pl web -am package; nothing installed into ~/.m2). Loopback only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=600 ws=10000 polling=1000 chat=1 build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) seconds=$(( $2 * 60 )); shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --websocket) ws=$2; shift 2 ;;
    --polling) polling=$2; shift 2 ;;
    --chat) chat=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
# Each connection is a file descriptor on both sides (a polling client up to two). The soft limit goes up to
# the hard one here (the JVM does the same for itself); below what is needed, stop and say so.
ulimit -n "$(ulimit -Hn)"
need=$(( ws + 2 * polling + 1000 ))
[ "$(ulimit -n)" -ge "$need" ] || { echo "connections-soak: ulimit -n is $(ulimit -n), need $need (raise the hard limit)" >&2; exit 1; }

npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >/dev/null
jar="$root/web/target/relaycast.jar"
if [ "$build" = 1 ] || [ ! -f "$jar" ]; then
  echo "connections-soak: building $jar (mvn -pl web -am package -DskipTests)…" >&2
  (cd "$root" && mvn -B -ntp -q -pl web -am package -DskipTests) >&2
fi
free_port() { python3 -c "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=='udp' else socket.SOCK_STREAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])" "$1"; }
data=$(mktemp -d)
port=$(free_port tcp); sport=$(free_port tcp)
(cd "$root" && PORT=$port SIGNALING_PORT=$sport RTC_UDP_PORT=$(free_port udp) DATA_DIR=$data \
   exec java -XX:+UseZGC -Xmx1g ${JAVA_OPTS:-} -jar "$jar") >"$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; [ -n "${KEEP_LOG:-}" ] && cp "$data/server.log" "$KEEP_LOG"; rm -rf "$data"; true' EXIT
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "relaycast did not start" >&2; tail -20 "$data/server.log" >&2; exit 1; }
echo "connections-soak: server pid $pid (fd limit $(awk '/Max open files/ {print $4}' /proc/$pid/limits)), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
node "$here/soak.mjs" "http://127.0.0.1:$port" "$pid" "$ws" "$polling" "$seconds" "$chat"
echo "connections-soak: done, load average $(cut -d' ' -f1-3 /proc/loadavg); server log WARN/ERROR lines: $(grep -c 'WARN\|ERROR' "$data/server.log" || true)" >&2
grep 'WARN\|ERROR' "$data/server.log" | head -5 >&2 || true
