#!/usr/bin/env bash
# Times a generation flip, side by side in one run: our `switch --rollback` / `switch --system`
# between two systems that differ in one service, against `nix-env -p PROFILE
# --switch-generation` between two Nix generations. Prints medians (ms) and ratios
# (ours / nix; below 1.0 means we are faster). Needs nix-bin; run as root.
source "$(dirname "$0")/lib.sh"
runs="${RUNS:-15}"
ours="$(ours_bin)"
work="$out/switch"
rm -rf "$work"
mkdir -p "$work"

# Two systems: a.service identical, b.service changed.
make_system() {
  local dir="$work/src-$1"
  mkdir -p "$dir/etc/systemd/system" "$dir/sw/bin"
  printf '[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n' >"$dir/etc/systemd/system/a.service"
  printf '[Service]\nExecStart=/bin/echo %s\n[Install]\nWantedBy=multi-user.target\n' "$1" >"$dir/etc/systemd/system/b.service"
  printf 'welcome to %s\n' "$1" >"$dir/etc/motd"
  printf 'QITECH_OS=true\nQITECH_OS_GIT_ABBREVIATION=%s\n' "$1" >"$dir/qitech-os-release"
  printf 'quiet\n' >"$dir/kernel-params"
  echo "$dir"
}
src1="$(make_system v1)"; src2="$(make_system v2)"

root="$work/root"
s1="$("$ours" --root "$root" store add "$src1" | tail -1)"
s2="$("$ours" --root "$root" store add "$src2" | tail -1)"
"$ours" --root "$root" switch --system "$s1" >/dev/null
plan="$("$ours" --root "$root" switch --system "$s2")"
grep -q 'restart: b.service' <<<"$plan" || { echo "expected b.service to be restarted: $plan" >&2; exit 1; }
grep -q 'unchanged: a.service\|left running: a.service' <<<"$plan" || { echo "expected a.service untouched: $plan" >&2; exit 1; }

# The same two trees as a real Nix profile.
profile="$work/nix-profile"
n1="$(nix-store --add "$src1")"; n2="$(nix-store --add "$src2")"
nix-env -p "$profile" --set "$n1" >/dev/null 2>&1
nix-env -p "$profile" --set "$n2" >/dev/null 2>&1
g1="$(nix-env -p "$profile" --list-generations | awk 'NR==1{print $1}')"
g2="$(nix-env -p "$profile" --list-generations | awk 'END{print $1}')"

declare -a back_ours fwd_ours back_nix fwd_nix
for _ in $(seq "$runs"); do
  back_ours+=("$(time_ms "$ours" --root "$root" switch --rollback)")
  [ "$(readlink "$root/run/current-system")" = "$s1" ] || { echo "rollback did not reach $s1" >&2; exit 1; }
  fwd_ours+=("$(time_ms "$ours" --root "$root" switch --system "$s2")")
  [ "$(readlink "$root/run/current-system")" = "$s2" ] || { echo "switch did not reach $s2" >&2; exit 1; }
  back_nix+=("$(time_ms nix-env -p "$profile" --switch-generation "$g1")")
  fwd_nix+=("$(time_ms nix-env -p "$profile" --switch-generation "$g2")")
done
[ "$(ls "$root/qitech/profiles" | grep -c link)" -eq 2 ] || { echo "switching back and forth added generations" >&2; exit 1; }

m_back_ours=$(median "${back_ours[@]}"); m_back_nix=$(median "${back_nix[@]}")
m_fwd_ours=$(median "${fwd_ours[@]}"); m_fwd_nix=$(median "${fwd_nix[@]}")
echo "generation flip, $runs runs each, medians in ms (the changed b.service is planned for restart, a.service left alone)"
row "operation" "ours" "nix" "ratio"
row "back: switch --rollback / --switch-generation" "$m_back_ours" "$m_back_nix" "$(ratio "$m_back_ours" "$m_back_nix")"
row "forward: switch --system / --switch-generation" "$m_fwd_ours" "$m_fwd_nix" "$(ratio "$m_fwd_ours" "$m_fwd_nix")"
