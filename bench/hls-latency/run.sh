#!/usr/bin/env bash
# HLS glass-to-glass latency and ladder CPU: compiles the server and its test helpers, then runs
# io.relaycast.web.e2e.HlsLatencyBench (headless Chromium publishes a canvas clock over WHIP, hls.js reads it back)
# against this machine's PostgreSQL (as ./run-tests sets it up). Prints one JSON line.
#
#   bench/hls-latency/run.sh [seconds=30] [hls.js liveSyncDurationCount=3] [mode=ll|classic]
#
# mode ll: hls.js with lowLatencyMode (parts, blocking reload, PART-HOLD-BACK); classic: lowLatencyMode off, so
# hls.js reads the same playlists as a player without LL-HLS would (whole segments, liveSyncDurationCount behind).
#
# Build: one Maven reactor builds web and every module it needs (-am) of THIS checkout, test-compile only, and writes
# web's test classpath (dependency:build-classpath) in the same run, so nothing has to be in ~/.m2 beforehand and
# nothing is installed there (our modules resolve to their target/ folders). Offline first; if that fails (a fresh
# ~/.m2 lacks a dependency or the dependency plugin), once more with Maven Central. SKIP_BUILD=1 reuses the last build.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
die() { echo "hls-latency/run.sh: stopped: $*" >&2; exit 1; }

command -v java >/dev/null || die "java is not on PATH"
command -v ffmpeg >/dev/null || die "ffmpeg is not on PATH (the HLS ladder runs it)"
[ -x /usr/bin/chromium ] || command -v chromium >/dev/null || die "chromium is not installed (apt-get install chromium chromium-driver)"
command -v chromedriver >/dev/null || die "chromedriver is not on PATH (apt-get install chromium-driver)"
if command -v pg_isready >/dev/null; then
  pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL does not answer on 127.0.0.1:5432 (start it as ./run-tests does)"
fi
case "${3:-ll}" in ll|classic) ;; *) die "mode must be ll or classic, was '${3}'" ;; esac

cd "$root"
if [ ! -f web/src/test/js/node_modules/socket.io-client/dist/socket.io.min.js ]; then
  command -v npm >/dev/null || die "npm is not on PATH (the e2e pages need the Socket.IO browser client from web/src/test/js)"
  echo "hls-latency/run.sh: installing the e2e pages' Socket.IO client (npm ci --prefix web/src/test/js)" >&2
  npm ci --no-audit --no-fund --prefix web/src/test/js >&2 || die "npm ci --prefix web/src/test/js failed (network?)"
fi
cp_file="$root/web/target/hls-latency.classpath"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  command -v mvn >/dev/null || die "mvn is not on PATH"
  build=(mvn -q -B -ntp -pl web -am test-compile dependency:build-classpath -Dmdep.includeScope=test
         -Dmdep.outputFile=target/hls-latency.classpath)
  if ! "${build[@]}" -o >&2; then
    echo "hls-latency/run.sh: the offline build failed (a fresh ~/.m2?); trying again with Maven Central" >&2
    "${build[@]}" >&2 || die "the Maven build of web and its modules failed (its errors are above)"
  fi
fi
[ -s "$cp_file" ] || die "no $cp_file: run without SKIP_BUILD=1"
# our own modules from this tree's classes, not from ~/.m2 (which may hold another build's jars)
deps=$(tr ':' '\n' <"$cp_file" | grep -v '/io/relaycast/' | paste -sd: -)
cp=""
for d in web/target/test-classes web/target/classes sfu/target/classes signaling/target/classes \
         signaling/target/test-classes recorder/target/classes hls-bridge/target/classes; do
  [ -d "$root/$d" ] || die "$d is missing after the build"
  cp="$cp$root/$d:"
done
cp="$cp$deps"
cd web # the e2e helpers find the Socket.IO client relative to the web module
java -cp "$cp" io.relaycast.web.e2e.HlsLatencyBench "$@" || die "the benchmark failed (exit $?; its output is above)"
