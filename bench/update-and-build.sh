#!/usr/bin/env bash
# Times, in one run on a generated fixture repository:
#  - listing update targets on a cold and on a warm mirror;
#  - a sandboxed `dotnet publish` of a small ASP.NET app against a plain one (the sandbox's
#    overhead as a ratio);
#  - the control server built as the configuration builds it (source as git would commit it,
#    pinned NuGet feed, sandboxed publish) against a plain `dotnet publish` of the same commit.
#  - updates of this repository through `update install`: the first (builds the server and
#    the CLI), one to a commit that changes only the configuration (no package rebuilt), and
#    one to a commit that changes the server's code (a real sandboxed publish);
#  - the same two updates on a machine without the .NET SDK (root: the SDK is hidden in a mount
#    namespace), fetched from the binary cache the first machine pushed to, against building.
# Usage: bench/update-and-build.sh [--no-publish] [--no-control-server] [--no-updates]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="$here/qitech-os"
work="$(mktemp -d "${TMPDIR:-/tmp}/qitech-bench-XXXXXX")"
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com \
  GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }

"$cli" --help >/dev/null # build the CLI first, outside the timings

# A repository with 300 commits, 30 tags and 10 branches.
repo="$work/repo"
git init -q -b main "$repo"
for i in $(seq 1 300); do
  echo "$i" > "$repo/version"
  git -C "$repo" add version
  GIT_COMMITTER_DATE="@$((1704067200 + i * 3600)) +0000" git -C "$repo" commit -q -m "commit $i"
  if (( i % 10 == 0 )); then git -C "$repo" tag "v1.$i"; fi
  if (( i % 30 == 0 )); then git -C "$repo" branch "feature-$i"; fi
done

root="$work/root"
t0=$(now); "$cli" --root "$root" update targets --source "$repo" >/dev/null; t1=$(now)
"$cli" --root "$root" update targets --source "$repo" >/dev/null; t2=$(now)
"$cli" --root "$root" update targets --source "$repo" >/dev/null; t3=$(now)
printf 'update targets, cold mirror : %6.2f s\n' "$(elapsed "$t0" "$t1")"
printf 'update targets, warm mirror : %6.2f s (best of 2: %.2f s)\n' "$(elapsed "$t1" "$t2")" \
  "$(echo "a=$(elapsed "$t1" "$t2"); b=$(elapsed "$t2" "$t3"); if (a<b) a else b" | bc)"
t0=$(now); git -C "$repo" for-each-ref >/dev/null; git -C "$repo" log -n 20 --format=%H >/dev/null; t1=$(now)
printf '  (plain git on the source    : %6.2f s)\n' "$(elapsed "$t0" "$t1")"

if [[ " $* " == *" --no-publish "* ]]; then exit 0; fi

app="$work/app"
mkdir -p "$app"
cat > "$app/app.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
</Project>
XML
cat > "$app/Program.cs" <<'CS'
var app = WebApplication.CreateBuilder(args).Build();
app.MapGet("/", () => "hello from the machine");
app.Run();
CS

plain="$work/plain"
cp -r "$app" "$plain"
mkdir -p "$work/empty-feed"
t0=$(now)
# Restored from an empty local feed, as in the sandbox, so neither side waits on the registry.
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet publish "$plain/app.csproj" -c Release -o "$plain/out" \
  --source "$work/empty-feed" -p:NuGetAudit=false >/dev/null
t1=$(now)
"$cli" --root "$work/build-root" derivation dotnet-publish "$app" --project app.csproj >/dev/null 2>&1
t2=$(now)
plain_s=$(elapsed "$t0" "$t1"); sandbox_s=$(elapsed "$t1" "$t2")
printf 'dotnet publish, plain       : %6.2f s\n' "$plain_s"
printf 'dotnet publish, sandboxed   : %6.2f s\n' "$sandbox_s"
printf 'sandbox overhead ratio      : %6.2f\n' "$(echo "scale=4; $sandbox_s / $plain_s" | bc)"
t0=$(now)
"$cli" --root "$work/build-root" derivation dotnet-publish "$app" --project app.csproj >/dev/null 2>&1
t1=$(now)
printf 'same package again (cached) : %6.2f s\n' "$(elapsed "$t0" "$t1")"

if [[ " $* " == *" --no-control-server "* ]]; then exit 0; fi

# The control server of this repository's HEAD: a clean clone, so both sides see the same files.
control="$work/control"
git clone -q "$here" "$control"
cat > "$work/server.yaml" <<YAML
system:
  hostName: bench
packages:
  qitech-control-server:
    dotnet:
      source: $control
      project: src/QiTech.Control.Server/QiTech.Control.Server.csproj
      runtime: linux-x64
environment:
  systemPackages: [qitech-control-server]
YAML
t0=$(now)
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet publish "$control/src/QiTech.Control.Server/QiTech.Control.Server.csproj" \
  -c Release -r linux-x64 --self-contained true -o "$work/server-plain" -p:NuGetAudit=false >/dev/null
t1=$(now)
"$cli" --root "$work/server-root" build --config "$work/server.yaml" >/dev/null 2>&1
t2=$(now)
"$cli" --root "$work/server-root" build --config "$work/server.yaml" >/dev/null 2>&1
t3=$(now)
plain_s=$(elapsed "$t0" "$t1"); sandbox_s=$(elapsed "$t1" "$t2")
printf 'control server, plain publish     : %6.2f s\n' "$plain_s"
printf 'control server, build --config    : %6.2f s (source snapshot, NuGet feed, sandboxed publish)\n' "$sandbox_s"
printf 'control server, ratio             : %6.2f\n' "$(echo "scale=4; $sandbox_s / $plain_s" | bc)"
printf 'control server, unchanged rebuild : %6.2f s\n' "$(elapsed "$t2" "$t3")"

if [[ " $* " == *" --no-updates "* ]]; then exit 0; fi

# Updates of this repository's HEAD as a machine takes them: fetch, evaluate, build, switch.
machine="$work/machine-repo"
git clone -q "$control" "$machine"
# The machine builder's CI pushes what it built to a binary cache the machine trusts.
cache="$work/cache"
mkdir -p "$cache"
printf 'StoreDir: /qitech/store\n' > "$cache/nix-cache-info"
"$cli" cache key generate bench-ci "$work/ci.sec" "$work/ci.pub" >/dev/null
# demo.yaml ends inside system.update.
printf '    substituters: ["file://%s"]\n    trustedPublicKeys: ["%s"]\n' "$cache" "$(cat "$work/ci.pub")" >> "$machine/configuration/demo.yaml"
git -C "$machine" commit -qam "binary cache"
git -C "$machine" tag bench-1
sed -i 's/^        QiTech Control OS\./        QiTech Control OS (configuration changed)./' "$machine/configuration/machine.yaml"
git -C "$machine" commit -qam "configuration only" && git -C "$machine" tag bench-2
echo "// changed code" >> "$machine/src/QiTech.Control.Server/ServerVersion.cs"
git -C "$machine" commit -qam "server code" && git -C "$machine" tag bench-3
update_root="$work/update-root"
install() { "$cli" --root "$update_root" update install "$1" --source "$machine" --config-file configuration/demo.yaml >/dev/null 2>&1; }
t0=$(now); install bench-1; t1=$(now); install bench-2; t2=$(now); install bench-3; t3=$(now)
[ "$(ls "$update_root/qitech/profiles" | grep -c -- '-link$')" -eq 3 ] || { echo "expected three generations" >&2; exit 1; }
printf 'update install, first (builds server + CLI) : %6.2f s\n' "$(elapsed "$t0" "$t1")"
printf 'update install, configuration change only   : %6.2f s (no package rebuilt)\n' "$(elapsed "$t1" "$t2")"
printf 'update install, server code change          : %6.2f s (server and CLI published in the sandbox)\n' "$(elapsed "$t2" "$t3")"

# A machine without the .NET SDK (the runtime's sdk folder hidden in a mount namespace) takes
# the same two updates from the cache CI pushed to: it fetches the built server and CLI.
if [ "$(id -u)" -ne 0 ]; then
  echo 'update install without the SDK: skipped (hiding the SDK needs root)'
  exit 0
fi
aot="$here/artifacts/publish/qitech-os/release_linux-x64/qitech-os"
[ -x "$aot" ] || { echo "update install without the SDK: skipped (no NativeAOT CLI at $aot: gcc missing?)"; exit 0; }
"$cli" --root "$update_root" cache push --to "file://$cache" --secret-key-file "$work/ci.sec" \
  "$(readlink "$update_root/qitech/profiles/system-2-link")" "$(readlink "$update_root/qitech/profiles/system-3-link")" >/dev/null 2>&1
sdk="$(dirname "$(readlink -f "$(command -v dotnet)")")/sdk"
machine_root="$work/machine-root"
without_sdk() {
  unshare --mount --propagation private sh -c 'mount -t tmpfs -o ro none "$0" && exec "$@"' "$sdk" \
    "$aot" --root "$machine_root" update install "$1" --source "$machine" --config-file configuration/demo.yaml 2>"$work/machine-$1.log" >/dev/null \
    || { echo "update install $1 without the SDK failed:" >&2; tail -5 "$work/machine-$1.log" >&2; exit 1; }
}
ci_code_change=$(elapsed "$t2" "$t3")
m0=$(now); without_sdk bench-2; m1=$(now); without_sdk bench-3; m2=$(now)
grep -q 'fetched' "$work/machine-bench-3.log" || { echo "the machine fetched nothing for bench-3" >&2; exit 1; }
if grep -qE '^(qitech-control-server|qitech-os|qitech-osd)> ' "$work/machine-bench-3.log"; then
  echo "the machine built a package instead of fetching it" >&2; exit 1
fi
[ "$(ls "$machine_root/qitech/profiles" | grep -c -- '-link$')" -eq 2 ] || { echo "expected two generations on the machine" >&2; exit 1; }
code_change=$(elapsed "$m1" "$m2")
printf 'update install without the SDK, first (from cache)   : %6.2f s\n' "$(elapsed "$m0" "$m1")"
printf 'update install without the SDK, server code change  : %6.2f s (cache hit; building it took %.2f s)\n' "$code_change" "$ci_code_change"
printf 'server code change, cache hit vs build ratio        : %6.2f\n' "$(echo "scale=4; $code_change / $ci_code_change" | bc)"
