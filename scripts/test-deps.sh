#!/usr/bin/env bash
# Installs what roombot's tests need, only when it is missing (fresh Debian + Go).
set -euo pipefail
need=()
dpkg -s libvpx-dev >/dev/null 2>&1 || need+=(libvpx-dev)
dpkg -s pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# python3: the independent userSig verifier the signature tests run against roombot's output.
command -v python3 >/dev/null 2>&1 || need+=(python3)
# node and openssl: the other independent userSig verifier and the v1 ECDSA cross-check.
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# janus + iproute2: the Janus driver's tests run a real Janus on a test host in a network namespace
# (scripts/janus-testhost.sh); flock comes with util-linux, always present on Debian.
command -v janus >/dev/null 2>&1 || need+=(janus)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  echo "test-deps: installing ${need[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
go mod download
# livekit-server for the LiveKit driver's tests (signaling/livekit/lktest finds it in $(go env GOPATH)/bin/server).
# v1.9.11: newer releases need forked pion modules the Go module proxy does not serve. About 5 min of both cores.
gobin="$(go env GOBIN)"; [ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
if ! command -v livekit-server >/dev/null 2>&1 && [ ! -x "$gobin/server" ]; then
  echo "test-deps: installing livekit-server v1.9.11 (go install, takes a few minutes)"
  go install github.com/livekit/livekit-server/cmd/server@v1.9.11
fi
