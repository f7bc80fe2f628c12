#!/usr/bin/env bash
# Installs the Stoplight Prism CLI (OpenAPI mock server and request validator) into
# .tools/prism at the repository root. The folder is git-ignored.
#
# Usage: scripts/install-prism.sh
# Afterwards: .tools/prism/node_modules/.bin/prism --version
#
# Prism 5.14.2 is pinned on purpose: it is the newest 5.x release that runs on Node 18/20;
# 5.15.10 and later require Node >= 24.14. Override with PRISM_VERSION=... if your Node is new
# enough and you need a newer release.
set -euo pipefail

PRISM_VERSION="${PRISM_VERSION:-5.14.2}"
MIN_NODE="18.20.1"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$repo_root/.tools/prism"
installed_manifest="$prefix/node_modules/@stoplight/prism-cli/package.json"

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

if [ -f "$installed_manifest" ]; then
    current="$(node -p "require(process.argv[1]).version" "$installed_manifest")"
    if [ "$current" = "$PRISM_VERSION" ]; then
        echo "prism $PRISM_VERSION is already installed in $prefix"
        exit 0
    fi
    echo "replacing prism $current with $PRISM_VERSION"
fi

mkdir -p "$prefix"
npm install --prefix "$prefix" --save-exact --no-audit --no-fund --loglevel=error \
    "@stoplight/prism-cli@$PRISM_VERSION"

"$prefix/node_modules/.bin/prism" --version >/dev/null
echo "installed prism $PRISM_VERSION: $prefix/node_modules/.bin/prism"
