#!/usr/bin/env bash
# SFU forwarding benchmark: installs the sfu module (tests skipped), builds this project, then runs the load
# generator, which starts the real SFU in its own JVM and prints a table plus one summary.
# Options are passed through, e.g.: bench/sfu-forwarding/run.sh --viewers 10,100,500 --seconds 10 --probes 5
# (see Bench.java for all of them). Results JSON: bench/sfu-forwarding/target/result.json.
# SKIP_SFU_INSTALL=1 uses the relaycast-sfu already in ~/.m2; SKIP_BUILD=1 reruns the jar built last time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ "${SKIP_SFU_INSTALL:-0}" != 1 ]; then
  mvn -o -q -B -f "$root/pom.xml" -pl sfu -am install -DskipTests >&2
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # the jar bundles the sfu classes installed a moment ago, so what runs is this checkout's SFU
  mvn -o -q -B -f "$here/pom.xml" package >&2
  # ~/.m2 is shared: if another build installed its own relaycast-sfu in between, the jar holds that SFU, not ours
  if [ "${SKIP_SFU_INSTALL:-0}" != 1 ]; then
    check=$(mktemp -d)
    (cd "$check" && unzip -q "$here/target/sfu-forwarding.jar" 'io/relaycast/sfu/*')
    if ! diff -rq "$check/io/relaycast/sfu" "$root/sfu/target/classes/io/relaycast/sfu" >/dev/null; then
      rm -rf "$check"
      echo "run.sh: the jar's SFU classes are not this checkout's (another build replaced relaycast-sfu in ~/.m2); run again" >&2
      exit 1
    fi
    rm -rf "$check"
  fi
fi
cd "$here"
exec java -Xmx1g ${BENCH_JAVA_OPTS:-} -jar target/sfu-forwarding.jar "$@"
