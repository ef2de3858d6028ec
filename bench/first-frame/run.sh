#!/usr/bin/env bash
# Join → first frame in Chromium: compiles the server and its test helpers, then runs
# io.relaycast.web.e2e.FirstFrameBench (headless Chromium publishes its fake camera; N viewers join one by one)
# against this machine's PostgreSQL (as ./run-tests sets it up). Arguments: [joins=10] [seconds between joins=2].
# Prints one JSON line.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mvn -q -B -o -pl web -am test-compile >/dev/null
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -B -o -pl web dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
# our own modules from this tree's classes, not from ~/.m2 (which may hold another build's jars)
deps=$(tr ':' '\n' <"$cp_file" | grep -v '/io/relaycast/' | paste -sd: -)
cp=""
for d in web/target/test-classes web/target/classes sfu/target/classes signaling/target/classes \
         signaling/target/test-classes recorder/target/classes hls-bridge/target/classes; do cp="$cp$root/$d:"; done
cp="$cp$deps"
cd web # the e2e helpers find the Socket.IO client relative to the web module
exec java -cp "$cp" io.relaycast.web.e2e.FirstFrameBench "$@"
