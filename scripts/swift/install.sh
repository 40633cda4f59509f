#!/usr/bin/env bash
# Installs OpenStack Swift with its S3 front end (s3api) from Debian's own repository:
# the strict second S3 server the tests run against (see test/support/swift.ts and
# ../shared/notes/real-s3-server.md). Called by the test run itself (npm test on a fresh
# Debian machine), like scripts/vscode-host/install.sh.
#
# Idempotent: when every binary is present it does nothing. Needs root or `sudo -n`.
# `apt-get update` only when the install fails without it (a fresh machine). No service is
# started here: the tests start their own servers on 127.0.0.1 and stop them by PID.
# Progress goes to stderr (--quiet: nothing when there is nothing to do).
set -euo pipefail

QUIET=0
[ "${1:-}" = --quiet ] && QUIET=1
log() { printf '[swift/install] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

PACKAGES=(swift swift-proxy swift-account swift-container swift-object python3-swift memcached)
BINARIES=(swift-ring-builder swift-proxy-server swift-account-server swift-container-server swift-object-server memcached)

missing() {
  local m=()
  for b in "${BINARIES[@]}"; do
    command -v "$b" >/dev/null 2>&1 || [ -x "/usr/bin/$b" ] || m+=("$b")
  done
  echo "${m[@]:-}"
}

if [ -z "$(missing)" ]; then
  [ "$QUIET" = 1 ] || log "Swift and memcached are installed"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install ${PACKAGES[*]} by hand (Debian/Ubuntu packages)"
sudo=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "need root (or sudo -n) to apt-get install ${PACKAGES[*]}"
  sudo=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive
log "apt-get install ${PACKAGES[*]}"
# The packages' maintainer scripts try to start services; there is no init system to
# start them on a CI machine, and nothing here needs them running.
if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" </dev/null >&2; then
  log "apt-get update"
  "${sudo[@]}" apt-get update -q </dev/null >&2
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" </dev/null >&2
fi
[ -z "$(missing)" ] || die "still missing after apt-get: $(missing)"
log "installed"
