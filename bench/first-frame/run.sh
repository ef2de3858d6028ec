#!/usr/bin/env bash
# Join → first frame in Chromium: compiles the server and its test helpers, then runs
# io.relaycast.web.e2e.FirstFrameBench (headless Chromium publishes its fake camera; N viewers join one by one)
# against this machine's PostgreSQL (as ./run-tests sets it up). Arguments: [joins=10] [seconds between joins=2].
# Prints one JSON line.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cp_file=$(mktemp)
build_log=$(mktemp)
trap 'rm -f "$cp_file" "$build_log"' EXIT
# One reactor build (-am) compiles web's sibling modules and writes web's test classpath; siblings are never
# installed into ~/.m2, so `-pl web` alone cannot resolve them from a fresh clone. Offline first (fast when ~/.m2 has
# everything), then once with Maven Central for what is missing (the dependency plugin on a new machine).
build=(mvn -q -B -ntp -pl web -am test-compile dependency:build-classpath -Dmdep.includeScope=test
       -Dmdep.outputFile="$cp_file")
if ! "${build[@]}" -o >"$build_log" 2>&1; then
  echo "first-frame: offline build failed; retrying with Maven Central" >&2
  "${build[@]}" >"$build_log" 2>&1 || { tail -n 40 "$build_log" >&2
    echo "first-frame: ERROR: the build failed (Maven output above); nothing was measured" >&2; exit 1; }
fi
command -v chromium >/dev/null || { echo "first-frame: ERROR: chromium is not installed (apt-get install chromium chromium-driver)" >&2; exit 1; }
# the pages under test load the Socket.IO browser client from the test's npm folder (./run-tests installs it too)
if [ ! -f web/src/test/js/node_modules/socket.io-client/dist/socket.io.min.js ]; then
  npm ci --prefix web/src/test/js --no-audit --no-fund >"$build_log" 2>&1 || { tail -n 20 "$build_log" >&2
    echo "first-frame: ERROR: npm ci --prefix web/src/test/js failed (output above)" >&2; exit 1; }
fi
# our own modules from this tree's classes, not from ~/.m2 (which may hold another build's jars)
deps=$(tr ':' '\n' <"$cp_file" | grep -v '/io/relaycast/' | paste -sd: -)
cp=""
for d in web/target/test-classes web/target/classes sfu/target/classes signaling/target/classes \
         signaling/target/test-classes recorder/target/classes hls-bridge/target/classes; do cp="$cp$root/$d:"; done
cp="$cp$deps"
cd web # the e2e helpers find the Socket.IO client relative to the web module
exec java -cp "$cp" io.relaycast.web.e2e.FirstFrameBench "$@"
