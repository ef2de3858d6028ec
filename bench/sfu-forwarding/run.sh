#!/usr/bin/env bash
# SFU forwarding benchmark, side by side: builds this checkout's sfu module and the bench, then runs the load
# generator, which ramps viewers of one 1.5 Mbit/s stream on our SFU (its own JVM), measures the forwarding floor
# loop, then ramps the same viewers on Janus 1.1.2's streaming plugin, and prints both rows and the ratios.
#
#   bench/sfu-forwarding/run.sh [--viewers 50,100,200] [--seconds 8] [--probes 5] [--servers relaycast,janus]
#                               [--cpus 0]               pin both servers with taskset (one run)
#                               [--cpu-sets "0 0,1"]     one run per CPU list, then a table of sustained viewers
# (Bench.java lists every option.) Results: target/result.json (target/result-cpus-<list>.json with --cpu-sets).
# SKIP_BUILD=1 reruns the jar built last time. First time on a machine: sudo bench/sfu-forwarding/setup.sh (Janus).
#
# Build: Maven builds the sfu and load modules (load holds the peers the bench shares with ./relaycast load) of THIS
# checkout and the bench in one reactor (reactor/pom.xml aggregates the
# checkout's root project and the bench), `package` only, so nothing is installed into ~/.m2, which other
# engineers' builds share: the bench's relaycast-sfu dependency resolves to this checkout's sfu/target, and the
# shaded jar carries those classes. (The bench stays out of the root pom, so ./run-tests never builds it.)
#
# Network: the run happens in a private network namespace (unshare -n) with loopback and one veth, rcbench0 =
# 10.200.0.1/32: Janus gathers no ICE candidates on a loopback interface, so it is given rcbench0, whose address is
# local, so every packet still takes the kernel's loopback path; nothing in the namespace can reach another host.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "run.sh: stopped: $*" >&2; exit 1; }

cpu_sets=""
servers="relaycast,janus"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu-sets) [ $# -ge 2 ] || die "--cpu-sets needs a value, e.g. \"0 0,1\""; cpu_sets="$2"; shift 2 ;;
    --servers) [ $# -ge 2 ] || die "--servers needs a value"; servers="$2"; args+=("$1" "$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

command -v java >/dev/null || die "java is not on PATH"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  command -v mvn >/dev/null || die "mvn is not on PATH"
  build=(mvn -q -B -ntp -f "$here/reactor/pom.xml" -pl :sfu-forwarding -am package -DskipTests)
  if ! "${build[@]}" -o >&2; then
    echo "run.sh: the offline build failed (a fresh ~/.m2?); trying again with Maven Central" >&2
    "${build[@]}" >&2 || die "the Maven build of sfu + bench failed (its errors are above)"
  fi
fi
[ -f "$here/target/sfu-forwarding.jar" ] || die "no target/sfu-forwarding.jar (run without SKIP_BUILD=1)"

netns=()
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null && unshare --net true 2>/dev/null; then
  netns=(unshare --net -- bash -c '
    ip link set lo up &&
    ip link add rcbench0 type veth peer name rcbench1 &&
    ip addr add 10.200.0.1/32 dev rcbench0 &&
    ip link set rcbench1 up && ip link set rcbench0 up ||
      { echo "run.sh: stopped: could not set up the private network namespace (veth rcbench0)" >&2; exit 1; }
    exec "$@"' run-in-netns)
elif [[ ",$servers," == *,janus,* ]]; then
  die "Janus needs the private network namespace: run as root where unshare --net works, with ip (iproute2), or pass --servers relaycast"
fi
if [[ ",$servers," == *,janus,* ]] && ! command -v janus >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "run.sh: janus is not installed; running setup.sh (apt-get install janus)" >&2
    "$here/setup.sh" >&2 || die "setup.sh could not install janus"
  else
    die "janus is not installed: run 'sudo $here/setup.sh', or pass --servers relaycast"
  fi
fi
command -v taskset >/dev/null || [ -z "$cpu_sets" ] || die "--cpu-sets needs taskset (util-linux)"

cd "$here"
run() { "${netns[@]}" java -Xmx1g ${BENCH_JAVA_OPTS:-} -jar target/sfu-forwarding.jar "$@"; }
if [ -z "$cpu_sets" ]; then
  run "${args[@]}" || die "the benchmark failed (exit $?; its output is above, the servers' logs in target/)"
  exit 0
fi
for set in $cpu_sets; do
  echo "== servers pinned to CPUs $set" >&2
  run "${args[@]}" --cpus "$set" --out "target/result-cpus-$set.json" \
    || die "the benchmark pinned to CPUs $set failed (its output is above)"
done
echo
echo "== sustained viewers by CPU set (servers pinned with taskset)"
for set in $cpu_sets; do
  java -cp target/sfu-forwarding.jar io.relaycast.bench.sfu.CpuSetTable "target/result-cpus-$set.json"
done
