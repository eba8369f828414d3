#!/usr/bin/env bash
# Times binary caches against the real Nix and OSTree on the same payload (a self-contained
# ASP.NET Core publish; then a second version that changes one file), side by side in one run:
# push into a file:// cache (zstd both; an archive-mode OSTree repository), the cache's growth
# for the second version (ours with the NARs Nix clients read, and pushed --without-nar: our file
# layer is the index and blobs under qitech/), and fetching the second version onto a machine that has
# the first: bytes downloaded and time. Prints medians and ratios (ours / nix, ours / ostree).
# Needs nix-bin and ostree; run as root.
source "$(dirname "$0")/lib.sh"
runs="${RUNS:-5}"
ours="$(ours_bin)"
nixc() { nix --extra-experimental-features nix-command "$@"; }

payload="$(bench_payload)"
payload2="$out/payload-v2"
rm -rf "$payload2"; cp -a "$payload" "$payload2"
changed="$(find "$payload2" -name 'app.dll' | head -1)"
printf 'x' >>"$changed"
changed_bytes=$(stat -c %s "$changed")

keys="$out/cache-keys"; rm -rf "$keys"; mkdir -p "$keys"
"$ours" cache key generate bench-1 "$keys/sec" "$keys/pub" >/dev/null
pub="$(cat "$keys/pub")"
src="$out/cache-src"; rm -rf "$src"
p1=$("$ours" --root "$src" --store-dir /nix/store store add "$payload")
p2=$("$ours" --root "$src" --store-dir /nix/store store add "$payload2" --name payload)
[ "$(nix-store --add "$payload")" = "$p1" ] || { echo "store paths differ from nix's" >&2; exit 1; }
nix-store --add "$payload2" >/dev/null 2>&1 || true
n2=$(cd "$out" && mkdir -p v2 && rm -rf v2/payload && cp -a "$payload2" v2/payload && nix-store --add v2/payload)
[ "$n2" = "$p2" ] || { echo "second store paths differ from nix's" >&2; exit 1; }

disk() { du -s -B1 "$1" | cut -f1; }
# Apparent bytes: the sum of the files' sizes, what a file server stores and serves (du -b would
# also count the folders' own entries, which no client downloads).
bytes() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
# What a machine with the first version downloads from nix's cache: the second's NAR file.
nix_nar_bytes() { stat -c %s "$1/$(sed -n 's/^URL: //p' "$1/$(basename "$2" | cut -c1-32).narinfo")"; }
declare -a push_ours push_nix push_ostree fetch_ours fetch_nix fetch_ostree push_layer
for i in $(seq "$runs"); do
  co="$out/c-ours"; cn="$out/c-nix"; rm -rf "$co" "$cn"
  push_ours+=("$(time_ms "$ours" --root "$src" --store-dir /nix/store cache push --to "file://$co" --secret-key-file "$keys/sec" "$p1")")
  push_nix+=("$(time_ms nixc copy --to "file://$cn?compression=zstd&secret-key=$keys/sec" "$p1")")
  size_ours=$(disk "$co"); size_nix=$(disk "$cn"); layer_ours=$(disk "$co/qitech"); layer_bytes=$(bytes "$co/qitech")
  "$ours" --root "$src" --store-dir /nix/store cache push --to "file://$co" --secret-key-file "$keys/sec" "$p2" >/dev/null 2>&1
  nixc copy --to "file://$cn?compression=zstd&secret-key=$keys/sec" "$p2" >/dev/null 2>&1
  grow_ours=$(( $(disk "$co") - size_ours )); grow_nix=$(( $(disk "$cn") - size_nix ))
  grow_layer=$(( $(disk "$co/qitech") - layer_ours )); grow_layer_bytes=$(( $(bytes "$co/qitech") - layer_bytes ))
  # A cache for QiTech machines only: the file layer and narinfos, no NARs.
  cl="$out/c-layer"; rm -rf "$cl"
  push_layer+=("$(time_ms "$ours" --root "$src" --store-dir /nix/store cache push --without-nar --to "file://$cl" --secret-key-file "$keys/sec" "$p1")")
  size_layer=$(disk "$cl"); size_layer_bytes=$(bytes "$cl")
  "$ours" --root "$src" --store-dir /nix/store cache push --without-nar --to "file://$cl" --secret-key-file "$keys/sec" "$p2" >/dev/null 2>&1
  grow_nonar=$(( $(disk "$cl") - size_layer )); grow_nonar_bytes=$(( $(bytes "$cl") - size_layer_bytes ))

  # OSTree: an archive repository (what an HTTP server serves), the second commit with a static delta from the first.
  ro="$out/ostree-repo"; rm -rf "$ro"; ostree init --repo="$ro" --mode=archive
  push_ostree+=("$(time_ms ostree commit --repo="$ro" -b payload --no-xattrs --tree=dir="$payload")")
  size_ostree=$(disk "$ro")
  ostree commit --repo="$ro" -b payload --no-xattrs --tree=dir="$payload2" >/dev/null
  ostree static-delta generate --repo="$ro" --from=payload^ --to=payload >/dev/null
  grow_ostree=$(( $(disk "$ro") - size_ostree )); delta_ostree=$(disk "$ro/deltas")

  # A machine with the first version fetches the second.
  mo="$out/m-ours"; mn="$out/m-nix"; rm -rf "$mo" "$mn"
  "$ours" --root "$mo" --store-dir /nix/store cache fetch --from "file://$co" --trusted-public-key "$pub" "$p1" >/dev/null 2>&1
  nixc copy --from "file://$cn" --to "local?root=$mn" --option trusted-public-keys "$pub" "$p1" >/dev/null 2>&1
  start=$(date +%s%N)
  fetched_ours=$("$ours" --root "$mo" --store-dir /nix/store cache fetch --from "file://$co" --trusted-public-key "$pub" "$p2" 2>&1 >/dev/null \
    | sed -n 's/^fetched 1 paths, \([0-9]*\) bytes downloaded$/\1/p')
  fetch_ours+=("$(( ($(date +%s%N) - start) / 1000000 ))")
  [ -n "$fetched_ours" ] || { echo "our fetch of the second version failed" >&2; exit 1; }
  fetch_nix+=("$(time_ms nixc copy --from "file://$cn" --to "local?root=$mn" --option trusted-public-keys "$pub" "$p2")")
  fetched_nix=$(nix_nar_bytes "$cn" "$p2")
  mr="$out/ostree-machine"; rm -rf "$mr"; ostree init --repo="$mr" --mode=bare-user
  ostree pull-local --repo="$mr" "$ro" "$(ostree rev-parse --repo="$ro" payload^)" >/dev/null
  objects_before=$(disk "$mr/objects")
  fetch_ostree+=("$(time_ms ostree pull-local --repo="$mr" "$ro" payload)")
  fetched_ostree=$(( $(disk "$mr/objects") - objects_before ))
done
"$ours" --root "$mo" --store-dir /nix/store store verify --check-contents >/dev/null
files=$(find "$payload" -type f | wc -l)
echo "payload: $(du -sh "$payload" | cut -f1) in $files files; second version changes one file of $changed_bytes bytes; $runs runs; medians"
echo "sizes are disk usage (du -B1, whole blocks) unless marked apparent (the files' own sizes); the last run's sizes"
row "measure" "ours" "nix" "ratio"
row "push one version (ms)" "$(median "${push_ours[@]}")" "$(median "${push_nix[@]}")" "$(ratio "$(median "${push_ours[@]}")" "$(median "${push_nix[@]}")")"
row "cache size after one version (bytes)" "$size_ours" "$size_nix" "$(ratio "$size_ours" "$size_nix")"
row "cache growth for the second (bytes)" "$grow_ours" "$grow_nix" "$(ratio "$grow_ours" "$grow_nix")"
row "  of it our file layer (bytes)" "$grow_layer" "$grow_nix" "$(ratio "$grow_layer" "$grow_nix")"
row "  of it our file layer (apparent bytes)" "$grow_layer_bytes" "" ""
row "push one version --without-nar (ms)" "$(median "${push_layer[@]}")" "$(median "${push_nix[@]}")" "$(ratio "$(median "${push_layer[@]}")" "$(median "${push_nix[@]}")")"
row "growth for the second --without-nar (bytes)" "$grow_nonar" "$grow_nix" "$(ratio "$grow_nonar" "$grow_nix")"
row "  the same, apparent, / the changed file" "$grow_nonar_bytes" "$changed_bytes" "$(ratio "$grow_nonar_bytes" "$changed_bytes")"
row "downloaded fetching the second (bytes)" "$fetched_ours" "$fetched_nix" "$(ratio "$fetched_ours" "$fetched_nix")"
row "fetch the second onto the first (ms)" "$(median "${fetch_ours[@]}")" "$(median "${fetch_nix[@]}")" "$(ratio "$(median "${fetch_ours[@]}")" "$(median "${fetch_nix[@]}")")"
row "measure" "ours" "ostree" "ratio"
row "commit/push one version (ms)" "$(median "${push_ours[@]}")" "$(median "${push_ostree[@]}")" "$(ratio "$(median "${push_ours[@]}")" "$(median "${push_ostree[@]}")")"
row "growth for the second, delta incl. (bytes)" "$grow_ours" "$grow_ostree" "$(ratio "$grow_ours" "$grow_ostree")"
row "  file layer / static delta alone (bytes)" "$grow_layer" "$delta_ostree" "$(ratio "$grow_layer" "$delta_ostree")"
row "growth --without-nar / with delta (bytes)" "$grow_nonar" "$grow_ostree" "$(ratio "$grow_nonar" "$grow_ostree")"
row "downloaded: ours / static delta (bytes)" "$fetched_ours" "$delta_ostree" "$(ratio "$fetched_ours" "$delta_ostree")"
row "objects pull-local wrote (bytes)" "$fetched_ours" "$fetched_ostree" "$(ratio "$fetched_ours" "$fetched_ostree")"
row "fetch / pull-local the second (ms)" "$(median "${fetch_ours[@]}")" "$(median "${fetch_ostree[@]}")" "$(ratio "$(median "${fetch_ours[@]}")" "$(median "${fetch_ostree[@]}")")"
