#!/usr/bin/env bash
# Issue 15's load proof: does the origin's CPU grow with viewers on other nodes? Starts three real nodes
# (`java -jar web/target/relaycast.jar`, one PostgreSQL database `relaycast_bench`, the local Redis, a relay
# secret), publishes a synthetic 1.5 Mbit/s VP8+Opus stream to node A with the load tool (WHIP), then for each step
# joins N viewers split evenly over nodes B and C (the load tool's WebRTC viewers, `--stream`), and measures each
# node's process CPU (/proc/<pid>/stat) over a window once they all receive. Prints one row per step. (The load
# tool needs one client beside the publisher: one chatter on A, a chat message every 30 s, the same at every step.)
#   bench/cluster-relay/run.sh [steps="0 50 100 200"] [window seconds=15]
# Needs: java, mvn (first build), PostgreSQL on 127.0.0.1:5432 (user postgres, trust), Redis on 127.0.0.1:6379.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
steps=${1:-"0 50 100 200"}
window=${2:-15}
out=bench/cluster-relay/target
mkdir -p "$out"
die() { echo "cluster-relay: ERROR: $*" >&2; exit 1; }

jar=web/target/relaycast.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml */pom.xml */src -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "cluster-relay: building the jar (mvn package, tests skipped)" >&2
  mvn -q -B -ntp -o -DskipTests package >"$out/build.log" 2>&1 || mvn -q -B -ntp -DskipTests package >"$out/build.log" 2>&1 \
    || { tail -n 30 "$out/build.log" >&2; die "the build failed (above)"; }
fi
(exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null || die "PostgreSQL is not answering on 127.0.0.1:5432"
(exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null || die "Redis is not answering on 127.0.0.1:6379"
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='relaycast_bench'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE relaycast_bench" || die "cannot create database relaycast_bench"

# the load tool's peers are on this machine: every node's media on loopback (no other host candidates)
printf 'relaycast.media.ice.bind-addresses = ["127.0.0.1"]\n' >"$out/bench.conf"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cluster="bench-$$"
secret="cluster-relay-bench-secret-$(date +%s)-0123456789abcdef"
jwt="cluster-relay-bench-jwt-secret-0123456789abcdef0123"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
declare -A http pid
for n in a b c; do
  http[$n]=$(free_port); sig=$(free_port); udp=$(free_port)
  rm -rf "$out/data-$n"
  env RELAYCAST_CONFIG="$out/bench.conf" RELAYCAST_MODE=dev DATA_DIR="$out/data-$n" PORT="${http[$n]}" SIGNALING_PORT="$sig" RTC_UDP_PORT="$udp" \
      RTMP_PORT=0 RTMPS_PORT=0 DATABASE_URL="jdbc:postgresql://127.0.0.1:5432/relaycast_bench?user=postgres" \
      JWT_SECRET="$jwt" REDIS_URL=redis://127.0.0.1:6379 CLUSTER_NAME="$cluster" NODE_ID="node-$n" \
      NODE_URL="http://127.0.0.1:${http[$n]}" NODE_MEDIA_HOST=127.0.0.1 RELAY_SECRET="$secret" RELAY_BIND_HOST=127.0.0.1 \
      java -XX:+UseZGC -Xmx1g -jar "$jar" >"$out/node-$n.log" 2>&1 &
  pid[$n]=$!; pids+=("$!")
done
for n in a b c; do
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:${http[$n]}/health/ready" >/dev/null 2>&1 && break
    kill -0 "${pid[$n]}" 2>/dev/null || { tail -n 20 "$out/node-$n.log" >&2; die "node $n stopped (log above)"; }
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:${http[$n]}/health/ready" >/dev/null || die "node $n is not ready (see $out/node-$n.log)"
done
java -jar "$jar" load --url "http://127.0.0.1:${http[a]}" --viewers 0 --chatters 1 --chat-interval 30s --duration 60m >"$out/publisher.log" 2>&1 &
pids+=("$!")
stream=""
for _ in $(seq 1 60); do
  stream=$(sed -n 's/.*stream to \([^ ]*\) over WHIP.*/\1/p' "$out/publisher.log" | head -n1)
  [ -n "$stream" ] && break; sleep 0.5
done
[ -n "$stream" ] || { tail -n 20 "$out/publisher.log" >&2; die "the publisher did not start (log above)"; }
sleep 3

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
echo "== cluster relay bench $(date -u +%FT%TZ), $(nproc) cpus, stream $stream on node-a; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-14s %-12s %-12s %-12s %-22s %s\n' "edge viewers" "A (origin)" "B (edge)" "C (edge)" "viewers receiving" "load"
for step in $steps; do
  half=$((step / 2)); rest=$((step - half))
  vpids=()
  hold=$(( (half > rest ? half : rest) / 25 + window + 12 ))
  if [ "$step" -gt 0 ]; then
    java -jar "$jar" load --url "http://127.0.0.1:${http[b]}" --stream "$stream" --viewers "$half" --ramp 25 \
        --duration "${hold}s" >"$out/viewers-$step-b.log" 2>&1 & vpids+=("$!")
    java -jar "$jar" load --url "http://127.0.0.1:${http[c]}" --stream "$stream" --viewers "$rest" --ramp 25 \
        --duration "${hold}s" >"$out/viewers-$step-c.log" 2>&1 & vpids+=("$!")
    sleep $(( (half > rest ? half : rest) / 25 + 6 ))
  fi
  a0=$(cpu "${pid[a]}"); b0=$(cpu "${pid[b]}"); c0=$(cpu "${pid[c]}")
  sleep "$window"
  a1=$(cpu "${pid[a]}"); b1=$(cpu "${pid[b]}"); c1=$(cpu "${pid[c]}")
  recv="-"
  if [ "$step" -gt 0 ]; then
    for p in "${vpids[@]}"; do wait "$p" || true; done
    rb=$(grep -o '[0-9]* receiving' "$out/viewers-$step-b.log" | tail -n1 | cut -d' ' -f1); rc=$(grep -o '[0-9]* receiving' "$out/viewers-$step-c.log" | tail -n1 | cut -d' ' -f1)
    recv="${rb:-?}/$half on B, ${rc:-?}/$rest on C"
  fi
  printf '%-14s %-12s %-12s %-12s %-22s %s\n' "$step" \
    "$(awk -v d=$((a1 - a0)) -v t="$ticks" -v w="$window" 'BEGIN{printf "%.3f cores", d/t/w}')" \
    "$(awk -v d=$((b1 - b0)) -v t="$ticks" -v w="$window" 'BEGIN{printf "%.3f cores", d/t/w}')" \
    "$(awk -v d=$((c1 - c0)) -v t="$ticks" -v w="$window" 'BEGIN{printf "%.3f cores", d/t/w}')" \
    "$recv" "$(cut -d' ' -f1-3 /proc/loadavg)"
  sleep 3
done
