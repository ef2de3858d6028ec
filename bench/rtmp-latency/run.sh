#!/usr/bin/env bash
# RTMP ingest -> WebRTC viewer glass-to-glass latency, and CPU per ingested stream: builds the server and its test
# helpers through the reactor (nothing installed into ~/.m2, so it works from a fresh clone), then runs
# io.relaycast.web.e2e.RtmpLatencyBench (this JVM draws a clock into raw frames, ffmpeg encodes and publishes them
# over RTMP, a Chromium viewer over Socket.IO reads the clock back) against this machine's PostgreSQL (as
# ./run-tests sets it up). Arguments: [seconds=30] [keyframe interval in frames=60]. Prints one JSON line.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

die() { echo "bench/rtmp-latency: $*" >&2; exit 1; }
for tool in java mvn ffmpeg; do
  command -v "$tool" >/dev/null || die "needs $tool on PATH (apt-get install openjdk-17-jdk-headless maven ffmpeg)"
done
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null \
  || die "needs Chromium (apt-get install chromium chromium-driver)"
command -v chromedriver >/dev/null || [ -x /usr/lib/chromium/chromedriver ] \
  || die "needs chromedriver (apt-get install chromium-driver)"
encoders=$(ffmpeg -hide_banner -encoders 2>/dev/null || true) # not piped into grep -q: pipefail would see SIGPIPE
[[ $encoders == *libx264* ]] || die "this ffmpeg has no libx264 encoder"
[[ $encoders == *libopus* ]] || die "this ffmpeg has no libopus encoder (AAC -> Opus)"
pg=${RELAYCAST_TEST_PG:-}
if [ -z "$pg" ]; then
  (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null \
    || die "needs PostgreSQL on 127.0.0.1:5432 (database test, user postgres, trust auth: ./run-tests sets it up) or RELAYCAST_TEST_PG"
fi

# the viewer page loads the pinned Socket.IO browser client (as ./run-tests installs it)
if [ ! -f web/src/test/js/node_modules/socket.io-client/dist/socket.io.min.js ]; then
  command -v npm >/dev/null || die "needs npm to install the Socket.IO browser client (apt-get install nodejs npm)"
  npm ci --prefix web/src/test/js >/dev/null 2>&1 || die "npm ci --prefix web/src/test/js failed"
fi

cp_file=$(mktemp)
build_log=$(mktemp)
trap 'rm -f "$cp_file" "$build_log"' EXIT
# One reactor build: web and every module it needs are compiled here and web's test classpath points at their
# target/ directories (-am), so sibling modules need not be installed. Offline first (a warm ~/.m2), then online
# (a fresh machine fetches the plugins and dependencies).
build() {
  mvn -B -q "$@" -pl web -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$cp_file" >"$build_log" 2>&1
}
if ! build -o && ! build; then
  cat "$build_log" >&2
  die "the build failed (output above)"
fi
# dependency:build-classpath ran in every module of the reactor, web last: the file holds web's test classpath
cp="$root/web/target/test-classes:$root/web/target/classes:$(cat "$cp_file")"
cd web # the e2e helpers find the Socket.IO client relative to the web module
exec java -XX:+UseZGC -cp "$cp" io.relaycast.web.e2e.RtmpLatencyBench "$@"
