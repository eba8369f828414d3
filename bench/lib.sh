# Shared helpers for the benchmark scripts: build the AOT binary, time commands, medians.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/bench/out"
mkdir -p "$out"

# The CLI as it ships: NativeAOT, so a command costs milliseconds of start-up, not a JIT warm-up.
ours_bin() {
  local bin="$out/bin/qitech-os"
  if [ ! -x "$bin" ] || [ -n "$(find "$repo/src" -newer "$bin" -name '*.cs' -print -quit)" ]; then
    echo "building the NativeAOT CLI…" >&2
    dotnet publish "$repo/src/qitech-os/qitech-os.csproj" -c Release -r linux-x64 -p:PublishAot=true \
      -o "$out/bin" --nologo >"$out/publish.log" 2>&1 || { cat "$out/publish.log" >&2; exit 1; }
  fi
  echo "$bin"
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
