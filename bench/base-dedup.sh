#!/usr/bin/env bash
# Disk cost of a second base that differs from the first in one package: both are locked
# (online), built offline from their mirrors and imported into one store; prints what the
# second import added to the store beside that package's own installed size. Run as root
# (mmdebstrap's root mode). Usage: bench/base-dedup.sh [PACKAGE] (default: less).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
extra="${1:-less}"
work="$(mktemp -d /var/tmp/qitech-base-dedup.XXXXXX)"
trap 'rm -rf "$work"' EXIT
dotnet build "$repo/src/qitech-os/qitech-os.csproj" -c Release --nologo -v quiet >/dev/null
cli=(dotnet "$repo/artifacts/bin/qitech-os/release/qitech-os.dll" --root "$work/root")

declare -A packages=([a]="[hello]" [b]="[hello, $extra]")
for base in a b; do
  mkdir -p "$work/$base"
  printf 'system:\n  base:\n    enable: true\n    variant: minbase\n    packages: %s\n' "${packages[$base]}" > "$work/$base/machine.yaml"
  "${cli[@]}" base lock --config "$work/$base/machine.yaml" >&2 2>"$work/$base/lock.log"
  "${cli[@]}" base build --config "$work/$base/machine.yaml" --no-devices --out "$work/$base/tree" >/dev/null 2>"$work/$base/build.log"
done

store="$work/root/qitech/store"
kib() { du -sk "$store" | cut -f1; }
before=$(kib)
"${cli[@]}" store add "$work/a/tree" --name base-a >/dev/null
after_a=$(kib)
"${cli[@]}" store add "$work/b/tree" --name base-b >/dev/null
after_b=$(kib)

installed=$(awk -v p="$extra" '$1=="Package:"{n=$2} n==p && $1=="Installed-Size:"{print $2}' "$work/b/tree/var/lib/dpkg/status")
deb=$(awk -v p="$extra" '$1=="deb" && $2==p {print int($6/1024)}' "$work/b/base.lock")
echo "first base:                         $((after_a - before)) KiB"
echo "second base (+ $extra):  $((after_b - after_a)) KiB more"
echo "$extra installed size:            ${installed} KiB (its .deb: ${deb} KiB)"
# A file shared with the first base has three links (both bases and the store's .links); one
# only the second base has, two. The largest of those are what the second base paid for.
echo "largest files only the second base has (KiB, path):"
b_path=$(ls -d "$store"/*-base-b)
find "$b_path" -type f -links 2 -printf '%k %P\n' | sort -rn | head -12
# Directories are never shared between store paths: each base pays its own tree of them.
echo "directories of the second base (4 KiB each on ext4, not shared): $(find "$b_path" -type d | wc -l)"
