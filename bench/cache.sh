#!/usr/bin/env bash
# Times binary caches against the real Nix on the same payload (a self-contained ASP.NET Core
# publish; then a second version that changes one file), side by side in one run: push into a
# file:// cache (zstd both), the cache's growth for the second version, and fetching the
# second version onto a machine that has the first. Prints medians and ratios (ours / nix).
# Needs nix-bin; run as root.
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
declare -a push_ours push_nix fetch_ours fetch_nix
for i in $(seq "$runs"); do
  co="$out/c-ours"; cn="$out/c-nix"; rm -rf "$co" "$cn"
  push_ours+=("$(time_ms "$ours" --root "$src" --store-dir /nix/store cache push --to "file://$co" --secret-key-file "$keys/sec" "$p1")")
  push_nix+=("$(time_ms nixc copy --to "file://$cn?compression=zstd&secret-key=$keys/sec" "$p1")")
  size_ours=$(disk "$co"); size_nix=$(disk "$cn")
  "$ours" --root "$src" --store-dir /nix/store cache push --to "file://$co" --secret-key-file "$keys/sec" "$p2" >/dev/null 2>&1
  nixc copy --to "file://$cn?compression=zstd&secret-key=$keys/sec" "$p2" >/dev/null 2>&1
  grow_ours=$(( $(disk "$co") - size_ours )); grow_nix=$(( $(disk "$cn") - size_nix ))

  # A machine with the first version fetches the second.
  mo="$out/m-ours"; mn="$out/m-nix"; rm -rf "$mo" "$mn"
  "$ours" --root "$mo" --store-dir /nix/store cache fetch --from "file://$co" --trusted-public-key "$pub" "$p1" >/dev/null 2>&1
  nixc copy --from "file://$cn" --to "local?root=$mn" --option trusted-public-keys "$pub" "$p1" >/dev/null 2>&1
  fetch_ours+=("$(time_ms "$ours" --root "$mo" --store-dir /nix/store cache fetch --from "file://$co" --trusted-public-key "$pub" "$p2")")
  fetch_nix+=("$(time_ms nixc copy --from "file://$cn" --to "local?root=$mn" --option trusted-public-keys "$pub" "$p2")")
done
"$ours" --root "$mo" --store-dir /nix/store store verify --check-contents >/dev/null
files=$(find "$payload" -type f | wc -l)
echo "payload: $(du -sh "$payload" | cut -f1) in $files files; second version changes one file of $changed_bytes bytes; $runs runs; medians"
row "measure" "ours" "nix" "ratio"
row "push one version (ms)" "$(median "${push_ours[@]}")" "$(median "${push_nix[@]}")" "$(ratio "$(median "${push_ours[@]}")" "$(median "${push_nix[@]}")")"
row "cache size after one version (bytes)" "$size_ours" "$size_nix" "$(ratio "$size_ours" "$size_nix")"
row "cache growth for the second (bytes)" "$grow_ours" "$grow_nix" "$(ratio "$grow_ours" "$grow_nix")"
row "fetch the second onto the first (ms)" "$(median "${fetch_ours[@]}")" "$(median "${fetch_nix[@]}")" "$(ratio "$(median "${fetch_ours[@]}")" "$(median "${fetch_nix[@]}")")"
