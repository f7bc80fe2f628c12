#!/usr/bin/env bash
# Runs the quickstart example against Prism serving Telnyx's published spec: every request
# must be one Prism's validator accepts, and the main job must run to "Done." even though a
# mock answers with static examples (a join token that "expired" years ago, say).
#
# Usage: scripts/quickstart-against-prism.sh SPEC.yml
# Needs Prism in .tools/prism (scripts/install-prism.sh).
set -euo pipefail

spec="${1:?usage: $0 SPEC.yml}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prism="$repo_root/.tools/prism/node_modules/.bin/prism"
[[ -x "$prism" ]] || { echo "error: $prism is missing; run scripts/install-prism.sh" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log="$(mktemp)"
"$prism" mock --host 127.0.0.1 --port "$port" --errors "$spec" >"$log" 2>&1 &
prism_pid=$!
trap 'kill "$prism_pid" 2>/dev/null || true; rm -f "$log"' EXIT

# Prism reads the 4 MB document before it listens: wait at most 120 s.
for _ in $(seq 1 120); do
    if (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    if ! kill -0 "$prism_pid" 2>/dev/null; then cat "$log" >&2; echo "error: Prism exited" >&2; exit 1; fi
    sleep 1
done

# QUICKSTART names an already built quickstart binary (CI's test build); otherwise cargo
# builds and runs it.
if [[ -n "${QUICKSTART:-}" ]]; then
    run_quickstart=("$QUICKSTART")
else
    run_quickstart=(cargo run --locked -q --example quickstart)
fi
output="$(cd "$repo_root" && env -u TELNYX_API_KEY TELNYX_BASE_URL="http://127.0.0.1:$port" \
    timeout 600 "${run_quickstart[@]}")"
echo "$output"
grep -qx "Done." <<<"$output"
# Prism logs requests that do not match the description as violations.
if grep -qi "violation" "$log"; then
    grep -i "violation" "$log" >&2
    echo "error: Prism reported requests that do not match the API description" >&2
    exit 1
fi
