#!/usr/bin/env bash
# Provides code-server 4.100.3 (VS Code 1.100, runs on Node 20) and Debian's Chromium for the
# end-to-end test. The build is cached outside the clone ($PYPROJ_DOCTOR_CACHE), so only the
# first run on a machine pays for it; everything it writes (code-server's config and data too)
# stays under that folder. Prints the code-server executable.
set -euo pipefail
VERSION=4.100.3
CACHE="${PYPROJ_DOCTOR_CACHE:-$HOME/.cache/pyproj-doctor}"
PREFIX="$CACHE/code-server-$VERSION"
BIN="$PREFIX/bin/code-server"
mkdir -p "$CACHE/config" "$CACHE/data"
export XDG_CONFIG_HOME="$CACHE/config" XDG_DATA_HOME="$CACHE/data"
# One provisioning at a time per cache (parallel runs would share the .tmp folder).
exec 9>"$CACHE/.provision.lock"
flock 9

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
if [ ! -x "$BIN" ]; then
  for pkg in libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev pkg-config g++ make; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
  done
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >&2
fi

if [ ! -x "$BIN" ] || ! "$BIN" --version >/dev/null 2>&1; then
  rm -rf "$PREFIX.tmp" "$PREFIX"
  mkdir -p "$CACHE"
  npm install -g --prefix "$PREFIX.tmp" "code-server@$VERSION" --ignore-scripts --no-audit --no-fund >&2
  root="$PREFIX.tmp/lib/node_modules/code-server"
  # code-server's postinstall, by hand: its ripgrep package would download a binary.
  (
    cd "$root/lib/vscode"
    npm install --unsafe-perm --omit=dev --ignore-scripts --no-audit --no-fund >&2
    mkdir -p node_modules/@vscode/ripgrep/bin
    cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    # One build at a time: parallel node-gyp rebuilds raced on a fresh machine (missing .deps files).
    npm_config_yes=true npm_config_build_from_source=true npm rebuild --unsafe-perm --foreground-scripts >&2
    ln -sfn node_modules node_modules.asar
    (cd bin/remote-cli && ln -sfn code-linux.sh code-server)
    (cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
    cd extensions
    npm install --unsafe-perm --omit=dev --ignore-scripts --no-audit --no-fund >&2
  )
  (cd "$root" && npm_config_yes=true npm_config_build_from_source=true npm rebuild --unsafe-perm --foreground-scripts >&2)
  mv "$PREFIX.tmp" "$PREFIX"
fi
"$BIN" --version >&2
echo "$BIN"
