#!/usr/bin/env bash
# Disk cost of a second base that differs from the first in one package: both are locked
# (online), built offline from their mirrors and imported into one store; prints what the
# second import added to the store beside that package's own installed size, and the same for
# OSTree (the anchor): both trees committed to a bare repository and each checked out with hard
# links, as a deployment is. Run as root (mmdebstrap's root mode; needs ostree). Usage:
# bench/base-dedup.sh [PACKAGE] (default: less).
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

# OSTree on the same two trees. A second commit stores only its new objects (and small dirtree
# objects); its deployment, a hard-link checkout, pays its own directories as our second store
# path does. du counts a file hard-linked from several places once.
ostree_repo="$work/ostree"
ostree init --repo="$ostree_repo" --mode=bare
mkdir -p "$work/deploy"
kib_ostree() { du -sk "$ostree_repo" "$work/deploy" | awk '{ s += $1 } END { print s }'; }
kib_repo() { du -sk "$ostree_repo" | cut -f1; }
o_before=$(kib_ostree)
ostree commit --repo="$ostree_repo" -b base --no-xattrs --tree=dir="$work/a/tree" >/dev/null
ostree checkout --repo="$ostree_repo" --require-hardlinks base "$work/deploy/a"
o_after_a=$(kib_ostree); r_after_a=$(kib_repo)
ostree commit --repo="$ostree_repo" -b base --no-xattrs --tree=dir="$work/b/tree" >/dev/null
r_after_b=$(kib_repo)
ostree checkout --repo="$ostree_repo" --require-hardlinks base "$work/deploy/b"
o_after_b=$(kib_ostree)
echo "ostree, first base (repository + deployment): $((o_after_a - o_before)) KiB"
echo "ostree, second base: $((o_after_b - o_after_a)) KiB more (the repository alone: $((r_after_b - r_after_a)) KiB; the deployment's directories: $(find "$work/deploy/b" -type d | wc -l))"
echo "ours / ostree, second base: $(awk -v a=$((after_b - after_a)) -v b=$((o_after_b - o_after_a)) 'BEGIN { printf "%.2f", a / b }')"
