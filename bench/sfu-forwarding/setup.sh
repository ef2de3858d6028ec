#!/usr/bin/env bash
# One-time setup for the SFU forwarding benchmark (not part of ./run-tests): Debian's Janus 1.1.2, whose streaming
# plugin is the reference SFU the bench runs beside ours, and the tools run.sh uses to give the bench its private
# network namespace (unshare from util-linux, ip from iproute2). Needs root (apt-get). Debian's package enables a
# janus.service; the bench never uses it (it starts its own Janus with a private configuration, see JanusTarget).
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: needs root for apt-get install janus iproute2 util-linux" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || { echo "setup.sh: apt-get update failed" >&2; exit 1; }
apt-get install -y -q janus iproute2 util-linux >/dev/null || { echo "setup.sh: apt-get install janus failed" >&2; exit 1; }
janus --version 2>/dev/null | head -1
