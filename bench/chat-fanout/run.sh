#!/usr/bin/env bash
# Chat fan-out benchmark, Relaycast side by side with the reference Node.js Socket.IO server.
#   bench/chat-fanout/run.sh [--runs N] [--nodes 1|2] [--only relaycast|reference] [--no-build] [clients] [rate] [seconds]
# Builds the server jar from this checkout through the reactor (mvn -pl web -am package: nothing is installed
# into ~/.m2), then for each run starts a fresh Relaycast (java -jar web/target/relaycast.jar, ZGC, 1 GiB heap,
# embedded H2) and runs bench.mjs against it, then the same clients against reference-server.mjs. Prints one JSON
# line per measurement, then a table with both rows per run and the ratio. --nodes 2: two Relaycast nodes sharing
# the local Redis (REDIS_URL, default redis://127.0.0.1:6379) and a fresh PostgreSQL database on 127.0.0.1:5432,
# clients split between them (the reference is not run: it would need an adapter of its own).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=1 nodes=1 only="" build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    *) break ;;
  esac
done
clients=${1:-1000} rate=${2:-50} seconds=${3:-60}

npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >/dev/null
jar="$root/web/target/relaycast.jar"
if [ "$build" = 1 ] || [ ! -f "$jar" ]; then
  echo "chat-fanout: building $jar (mvn -pl web -am package -DskipTests)…" >&2
  (cd "$root" && mvn -B -ntp -q -pl web -am package -DskipTests) >&2
fi

free_port() { python3 -c "import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1]=='udp' else socket.SOCK_STREAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])" "$1"; }
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pids=()
}
db=""
trap 'cleanup; [ -n "$db" ] && dropdb -h 127.0.0.1 -U postgres --if-exists "$db" 2>/dev/null; rm -rf "$work"' EXIT
results="$work/results.jsonl"
: >"$results"

start_relaycast() { # $1 = node index; sets node_base and node_pid
  local port sport data
  port=$(free_port tcp); sport=$(free_port tcp); data="$work/node$1-$RANDOM"; mkdir -p "$data"
  (cd "$root" && PORT=$port SIGNALING_PORT=$sport RTC_UDP_PORT=$(free_port udp) DATA_DIR=$data \
     exec java -XX:+UseZGC -Xmx1g ${JAVA_OPTS:-} -jar "$jar") >"$data/server.log" 2>&1 &
  node_pid=$!
  pids+=("$node_pid")
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "relaycast did not start: $data/server.log" >&2; tail -20 "$data/server.log" >&2; exit 1; }
  node_base="http://127.0.0.1:$port"
}

run_relaycast() {
  local bases="" ps=""
  if [ "$nodes" = 2 ]; then
    export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
    export JWT_SECRET=${JWT_SECRET:-chat-fanout-bench-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}
    db="relaycast_bench_$RANDOM$RANDOM"
    createdb -h 127.0.0.1 -U postgres "$db"
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
  fi
  for n in $(seq 1 "$nodes"); do
    start_relaycast "$n"
    bases="$bases${bases:+,}$node_base"; ps="$ps${ps:+,}$node_pid"
  done
  node "$here/bench.mjs" relaycast "$bases" "$ps" "$clients" "$rate" "$seconds" | tee -a "$results"
  cleanup
  if [ -n "$db" ]; then dropdb -h 127.0.0.1 -U postgres --if-exists "$db"; db=""; fi
}

run_reference() {
  local port; port=$(free_port tcp)
  node "$here/reference-server.mjs" "$port" &
  local pid=$!; pids+=("$pid")
  for _ in $(seq 1 40); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.25; done
  node "$here/bench.mjs" reference "http://127.0.0.1:$port" "$pid" "$clients" "$rate" "$seconds" | tee -a "$results"
  cleanup
}

for r in $(seq 1 "$runs"); do
  echo "chat-fanout: run $r/$runs, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  echo "{\"run\":$r,\"loadBefore\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$results"
  [ "$only" = reference ] || run_relaycast
  [ "$only" = relaycast ] || [ "$nodes" = 2 ] || run_reference
  echo "{\"run\":$r,\"loadAfter\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$results"
done

python3 - "$results" <<'PY'
import json, sys
rows, run, load = [], 0, {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "loadBefore" in o: run = o["run"]; load[run] = [o["loadBefore"], ""]; continue
    if "loadAfter" in o: load[o["run"]][1] = o["loadAfter"]; continue
    o["run"] = run; rows.append(o)
print("| Run | Server | Nodes | Clients × rate × s | Delivered | p50 | p99 | max | Server CPU | Load (1/5/15 min) before → after |")
print("|---|---|---|---|---|---|---|---|---|---|")
for o in rows:
    d = 100.0 * o["deliveries"] / max(1, o["expectedDeliveries"])
    print(f'| {o["run"]} | {o["target"]} | {o["nodes"]} | {o["clients"]} × {o["rate"]} × {round(o["wallSeconds"] - 2)} | {d:.1f} % | {o["p50ms"]} ms | {o["p99ms"]} ms | {o["maxMs"]} ms | {o["serverCpuCores"]} cores | {load[o["run"]][0]} → {load[o["run"]][1]} |')
for r in sorted(load):
    a = [o for o in rows if o["run"] == r and o["target"] == "relaycast"]
    b = [o for o in rows if o["run"] == r and o["target"] == "reference"]
    if a and b:
        a, b = a[0], b[0]
        f = lambda x, y: f"{x / y:.2f}" if y else "n/a"
        print(f'run {r}: Relaycast / reference: p50 {f(a["p50ms"], b["p50ms"])}x, p99 {f(a["p99ms"], b["p99ms"])}x, CPU {f(a["serverCpuCores"], b["serverCpuCores"])}x')
PY
