# Shared helpers for the benchmark scripts: build the CLI as it ships, time commands, medians.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/bench/out"
mkdir -p "$out"

# The CLI as it ships: the qitech-os package (compiled ahead of time:
# packages.qitech-os.dotnet.nativeAot) of configuration/packages.yaml, which machine.yaml imports,
# so it is the same store path as in the shipped system, built in the sandbox without the rest of
# the OS. The out-link keeps it from store gc; a later run rebuilds only what the sources changed.
ours_bin() {
  local root="$out/ship-root" link="$out/shipped-cli" system package
  if [ ! -L "$link" ] || [ -n "$(find "$repo/src" -newer "$link" -name '*.cs' -print -quit)" ]; then
    echo "building the qitech-os package as it ships (the first build takes minutes)…" >&2
    "$repo/qitech-os" --root "$root" build --config "$repo/configuration/packages.yaml" --out-link "$link" \
      >"$out/ship-build.log" 2>&1 || { cat "$out/ship-build.log" >&2; exit 1; }
  fi
  system="$(readlink "$link")"
  package="$("$repo/qitech-os" --root "$root" store path-info --closure "${system#"$root"}" | cut -f1 | grep -- '-qitech-os$')"
  echo "$root$package/bin/qitech-os"
}

# Milliseconds one command takes (its output discarded).
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

row() { printf '%-44s %10s %10s %8s\n' "$@"; }

# The shared payload: a self-contained ASP.NET Core publish, made once and kept in bench/out.
bench_payload() {
  local payload="$out/payload"
  if [ ! -d "$payload" ]; then
    echo "publishing the payload app…" >&2
    rm -rf "$out/app"
    dotnet new web -o "$out/app" --force >/dev/null
    dotnet publish "$out/app" -c Release -r linux-x64 --self-contained -o "$payload" --nologo >/dev/null
  fi
  echo "$payload"
}
