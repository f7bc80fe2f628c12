#!/usr/bin/env bash
# Installs the Stoplight Prism CLI (OpenAPI mock server and request validator) into
# .tools/prism at the repository root. The folder is git-ignored.
#
# Usage: scripts/install-prism.sh
# Afterwards: .tools/prism/node_modules/.bin/prism --version
#
# Used by tests/prism_conformance and tests/conformance_sweep (which run this script
# themselves when Prism is missing and npm is available) and by CI. Idempotent: does nothing
# when the pinned version is installed.
# Concurrent runs wait for each other, and an interrupted install never leaves a half-filled
# .tools/prism behind (npm installs into a staging folder that is renamed when complete).
#
# Prism 5.14.2 is pinned on purpose: it is the newest 5.x release that runs on Node 18/20;
# 5.15.10 and later require Node >= 24.14. Override with PRISM_VERSION=... if your Node is new
# enough and you need a newer release.
set -euo pipefail

PRISM_VERSION="${PRISM_VERSION:-5.14.2}"
MIN_NODE="18.20.1"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo_root/.tools"
prefix="$tools/prism"
installed_manifest="$prefix/node_modules/@stoplight/prism-cli/package.json"
installed_bin="$prefix/node_modules/.bin/prism"

for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "error: '$tool' was not found on PATH. Install Node.js >= $MIN_NODE (which ships npm) and rerun." >&2
        exit 1
    fi
done

node_version="$(node --version)"
node_version="${node_version#v}"
if [ "$(printf '%s\n%s\n' "$MIN_NODE" "$node_version" | sort -V | head -n1)" != "$MIN_NODE" ]; then
    echo "error: Node.js $node_version is too old for Prism $PRISM_VERSION; need >= $MIN_NODE." >&2
    exit 1
fi

mkdir -p "$tools"
# One install at a time (flock is in util-linux; without it, runs are simply not serialized).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$tools/.prism-install.lock"
    flock 9
fi

installed_version() {
    if [ -f "$installed_manifest" ] && [ -x "$installed_bin" ]; then
        node -p "require(process.argv[1]).version" "$installed_manifest"
    fi
}

current="$(installed_version)"
if [ "$current" = "$PRISM_VERSION" ]; then
    echo "prism $PRISM_VERSION is already installed in $prefix"
    exit 0
fi
if [ -n "$current" ]; then
    echo "replacing prism $current with $PRISM_VERSION"
fi

staging="$tools/.prism-staging.$$"
trap 'rm -rf "$staging"' EXIT
rm -rf "$staging"
mkdir -p "$staging"
echo "installing @stoplight/prism-cli@$PRISM_VERSION into $prefix (about 20-30 s)"
npm install --prefix "$staging" --save-exact --no-audit --no-fund --loglevel=error \
    "@stoplight/prism-cli@$PRISM_VERSION"
"$staging/node_modules/.bin/prism" --version >/dev/null

rm -rf "$prefix"
mv "$staging" "$prefix"
"$installed_bin" --version >/dev/null
echo "installed prism $PRISM_VERSION: $installed_bin"
