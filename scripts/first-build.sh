#!/usr/bin/env bash
# A downstream crate's first build, side by side with the `telnyx` crate on crates.io.
#
# Packs the published crates as `cargo package` ships them, then builds fresh binary crates
# that depend on them (through `[patch.crates-io]` to the unpacked packages) and on `telnyx`
# 0.1 from crates.io, each cold in its own target directory, one after another, and prints
# wall time and peak RSS (GNU time), then the edit -> rebuild time of the dependent crate.
# Dependencies are fetched before the clock starts. Incremental compilation is off for every
# build, as cargo has it for a crate from a registry (a path dependency would get it).
#
#   bash scripts/first-build.sh [DIR]     # DIR: scratch directory (default: a temporary one)
#
# Each build's `cargo build --timings` report is kept in DIR/<name>/target/cargo-timings/.
# Needs the network for crates.io (or its packages in cargo's cache), and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"

if [[ ! -x /usr/bin/time ]]; then
    echo "installing GNU time from Debian" >&2
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi

echo "packing the published crates into $work/packages" >&2
CARGO_TARGET_DIR="$work/package-target" cargo package -q --no-verify --locked \
    -p vivox-token -p telnyx-codegen -p telnyx-client
rm -rf "$work/packages" && mkdir -p "$work/packages"
for crate in "$work"/package-target/package/*.crate; do
    tar -xzf "$crate" -C "$work/packages"
done
packages=("$work"/packages/*)
version_dir() { printf '%s\n' "${packages[@]}" | grep "/$1-[0-9]" | head -1; }

# name, dependency line
builds=(
    "ours-mcn|telnyx-client = { version = \"0.1\", features = [\"messaging\", \"call-control\", \"numbers\", \"webhooks\"] }"
    "peer-default|telnyx = \"0.1\""
    "ours-full|telnyx-client = { version = \"0.1\", features = [\"full\", \"webhooks\"] }"
    "peer-generated|telnyx = { version = \"0.1\", features = [\"generated\"] }"
    "ours-mcn-ring|telnyx-client = { version = \"0.1\", default-features = false, features = [\"video\", \"rustls-ring\", \"messaging\", \"call-control\", \"numbers\", \"webhooks\"] }"
    "peer-default-ring|telnyx = { version = \"0.1\", default-features = false, features = [\"messaging\", \"calls\", \"numbers\", \"sip\", \"verify\", \"lookup\", \"reporting\", \"fax\", \"texml\", \"storage\", \"porting\", \"wireless\", \"ai\", \"webhooks\", \"rustls-ring\"] }"
)
# The first four compare with the peer's defaults; the last two use ring for TLS on both sides.
# FIRST_BUILD_ONLY=small: the first two only; =ours: our three only.
case "${FIRST_BUILD_ONLY:-}" in
    small) builds=("${builds[@]:0:2}") ;;
    ours) builds=("${builds[0]}" "${builds[2]}" "${builds[4]}") ;;
esac

patch="[patch.crates-io]
telnyx-client = { path = \"$(version_dir telnyx-client)\" }
telnyx-codegen = { path = \"$(version_dir telnyx-codegen)\" }
vivox-token = { path = \"$(version_dir vivox-token)\" }"

for build in "${builds[@]}"; do
    name="${build%%|*}"
    dependency="${build#*|}"
    dir="$work/$name"
    rm -rf "$dir" && mkdir -p "$dir/src"
    crate_name=telnyx_client
    [[ "$name" == peer-* ]] && crate_name=telnyx
    printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n%s\n\n%s\n' \
        "$name" "$dependency" "$patch" > "$dir/Cargo.toml"
    printf 'use %s as _;\n\nfn main() {}\n' "$crate_name" > "$dir/src/main.rs"
    (cd "$dir" && cargo fetch -q)
done

printf '\n| build | wall | peak RSS | edit -> rebuild |\n|---|---|---|---|\n'
for build in "${builds[@]}"; do
    name="${build%%|*}"
    dir="$work/$name"
    usage="$dir/usage"
    (cd "$dir" && CARGO_INCREMENTAL=0 /usr/bin/time -f "%e %M" -o "$usage" \
        cargo build -q --offline --timings >/dev/null 2>"$dir/build.log") ||
        { echo "error: the build of $name failed; see $dir/build.log" >&2; exit 1; }
    read -r seconds kb < "$usage"
    touch "$dir/src/main.rs"
    (cd "$dir" && CARGO_INCREMENTAL=0 /usr/bin/time -f "%e %M" -o "$usage" \
        cargo build -q --offline >/dev/null 2>>"$dir/build.log")
    read -r rebuild _ < "$usage"
    printf '| %s | %s s | %.2f GB | %s s |\n' "$name" "$seconds" \
        "$(echo "$kb / 1048576" | bc -l)" "$rebuild"
done

# The longest compilation units of each build, from its timings report.
for build in "${builds[@]}"; do
    name="${build%%|*}"
    report="$work/$name/target/cargo-timings/cargo-timing.html"
    python3 - "$name" "$report" <<'PY'
import json, re, sys
name, report = sys.argv[1], sys.argv[2]
text = open(report, encoding="utf-8").read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", text, re.S).group(1))
units.sort(key=lambda u: -u["duration"])
top = ", ".join(f'{u["name"]}{" (build script)" if u["target"].strip() == "build-script" else ""} {u["duration"]:.1f} s' for u in units[:8])
print(f"{name}: {len(units)} units; longest: {top}")
PY
done
echo >&2
echo "timings reports: $work/*/target/cargo-timings/cargo-timing.html" >&2
echo "(run from $root)" >&2
