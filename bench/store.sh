#!/usr/bin/env bash
# Times our store against nix-store on a realistic payload (a self-contained ASP.NET Core
# publish), side by side in one run, and prints medians and ratios (ours / nix; below 1.0
# means we are faster). Needs nix-bin; run as root (nix-store works on the local /nix/store).
source "$(dirname "$0")/lib.sh"
runs="${RUNS:-5}"
ours="$(ours_bin)"

payload="$(bench_payload)"
# The second version differs in one file only.
payload2="$out/payload-v2"
rm -rf "$payload2"
cp -a "$payload" "$payload2"
changed="$(find "$payload2" -name 'app.dll' | head -1)"
printf 'x' >>"$changed"
changed_bytes=$(du -B1 "$changed" | cut -f1)

files=$(find "$payload" -type f | wc -l)
size=$(du -sh "$payload" | cut -f1)
echo "payload: $size in $files files; $runs runs each; medians in ms"
root="$out/root"
disk() { du -s -B1 "$1" | cut -f1; }
nixpath() { nix-store --add "$1" 2>/dev/null; }
nixdelete() { nix-store --delete "$@" >/dev/null 2>&1 || true; }

p1=$(nixpath "$payload"); p2=$(nixpath "$payload2")

declare -a a_ours a_nix b_ours b_nix c_ours c_nix d_ours d_nix cp_times
b_ours_disk=0; b_nix_disk=0; rss_ours=0; rss_nix=0
for i in $(seq "$runs"); do
  # 1. First import.
  rm -rf "$root"
  a_ours+=("$(time_ms "$ours" --root "$root" store add "$payload")")
  nixdelete "$p2" "$p1"
  a_nix+=("$(time_ms nix-store --add "$payload")")
  rm -rf "$out/cp"; cp_times+=("$(time_ms cp -a "$payload" "$out/cp")"); rm -rf "$out/cp"

  # 2. Second import with one file changed.
  before=$(disk "$root/qitech/store")
  b_ours+=("$(time_ms "$ours" --root "$root" store add "$payload2")")
  b_ours_disk=$(( $(disk "$root/qitech/store") - before ))
  before=$(disk /nix/store)
  b_nix+=("$(time_ms nix-store --add "$payload2")")
  b_nix_disk=$(( $(disk /nix/store) - before ))

  # 3. Dump.
  c_ours+=("$(time_ms "$ours" store dump "$payload")")
  c_nix+=("$(time_ms nix-store --dump "$payload")")

  # 4. Rehash both versions and compare with the database (ours checks every path it has,
  #    which are exactly these two).
  d_ours+=("$(time_ms "$ours" --root "$root" store verify --check-contents)")
  d_nix+=("$(time_ms nix-store --verify-path "$p1" "$p2")")
done
rss_ours=$( { /usr/bin/time -f '%M' "$ours" --root "$out/rss-root" store add "$payload" >/dev/null; } 2>&1 | tail -1); rm -rf "$out/rss-root"
nixdelete "$p2" "$p1"
rss_nix=$( { /usr/bin/time -f '%M' nix-store --add "$payload" >/dev/null; } 2>&1 | tail -1)

row "operation" "ours" "nix" "ratio"
for op in a b c d; do
  eval "o=(\"\${${op}_ours[@]}\")"; eval "n=(\"\${${op}_nix[@]}\")"
  mo=$(median "${o[@]}"); mn=$(median "${n[@]}")
  case $op in
    a) label="store add (first import)";;
    b) label="store add (second, one file changed)";;
    c) label="store dump";;
    d) label="store verify --check-contents";;
  esac
  row "$label" "$mo" "$mn" "$(ratio "$mo" "$mn")"
done
echo "cp -a of the payload: $(median "${cp_times[@]}") ms"
echo "second import's extra disk use: ours $b_ours_disk bytes, nix $b_nix_disk bytes (changed file: $changed_bytes bytes)"
echo "peak memory of a first import: ours ${rss_ours} KB, nix ${rss_nix} KB"
nixdelete "$p2" "$p1"
