#!/usr/bin/env bash
# Builds the Relaycast image (docker/Dockerfile) and checks that it serves: runs it on the host network on free
# ports in dev mode (embedded database, dev tokens), waits for GET /health/ready = 200, then publishes and watches
# with the image's own load tool (`relaycast load`: a synthetic stream over WHIP, 3 WebRTC viewers, 2 chatters,
# 10 s) and removes the container. Exit status 0 only when every step passed; on failure the container's log is
# printed. Needs a Docker engine (docker info) and curl. IMAGE=name:tag reuses or names the image;
# SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "check-image.sh: FAILED: $*" >&2; exit 1; }

command -v docker >/dev/null || die "no docker client on PATH"
docker info >/dev/null 2>&1 || die "no Docker engine answers (docker info failed)"
command -v curl >/dev/null || die "curl is needed"

image=${IMAGE:-relaycast:check}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "check-image.sh: building $image" >&2
  docker build -q -f docker/Dockerfile -t "$image" . >/dev/null || die "docker build failed"
fi

# free ports on this machine (the container shares the host's network, as on a media node)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
free_udp() { python3 -c 'import socket; s=socket.socket(type=socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http=$(free_port); sig=$(free_port); udp=$(free_udp)

name="relaycast-check-$$"
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
docker run -d --name "$name" --network host \
  -e RELAYCAST_MODE=dev -e HTTP_HOST=127.0.0.1 -e SIGNALING_HOST=127.0.0.1 -e PORT="$http" \
  -e SIGNALING_PORT="$sig" -e RTC_UDP_PORT="$udp" -e RTMP_PORT=0 -e PUBLIC_IP=127.0.0.1 "$image" >/dev/null \
  || die "docker run failed"

fail_with_log() { docker logs --tail 200 "$name" >&2 || true; die "$*"; }
for _ in $(seq 1 120); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/health/ready" || true)
  [ "$code" = 200 ] && break
  [ "$(docker inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" = true ] || fail_with_log "the container exited"
  sleep 1
done
[ "$code" = 200 ] || fail_with_log "GET /health/ready never answered 200 (last: $code)"
echo "check-image.sh: /health/ready = 200 on port $http" >&2

docker run --rm --network host "$image" load --url "http://127.0.0.1:$http" --viewers 3 --chatters 2 \
  --duration 10s --ramp 5 || fail_with_log "publish and watch through the image failed (relaycast load, above)"
echo "check-image.sh: OK (image $image: ready, WHIP publish, WebRTC viewers and chat work)" >&2
