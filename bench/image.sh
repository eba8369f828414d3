#!/usr/bin/env bash
# A bootable disk image two ways, side by side in one run (as root):
#  ours: `qitech-os image` of configuration/vm.yaml, cold (empty store: the base from its lock,
#        the .NET publishes, the system) and warm (everything built: the disk only);
#  peer: mmdebstrap of the same Debian packages (online, the host's apt sources) and the manual
#        steps of a UEFI disk without loop devices: an ESP with systemd-boot, the kernel and
#        initrd (mkfs.vfat + mtools), the root as ext4 from the tree (mkfs.ext4 -d), a GPT
#        (sfdisk) and the two written in (dd). The peer has none of our system on it: no units,
#        no store, no generations, no boot counting; it is the floor a hand-made image costs.
# Prints times, sizes and ratios. Usage: sudo bench/image.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "bench/image.sh runs as root (mmdebstrap's root mode, the base's owners)" >&2; exit 2; }
for tool in mmdebstrap mkfs.vfat mcopy mkfs.ext4 sfdisk; do
  command -v "$tool" >/dev/null || { echo "bench/image.sh needs $tool (see ./test.sh's package list)" >&2; exit 2; }
done
work="$(mktemp -d /var/tmp/qitech-bench-image.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cli=("$repo/qitech-os" --root "$work/root")
config="$repo/configuration/vm.yaml"

# Ours, cold and warm.
cold=$(time_ms "${cli[@]}" image --config "$config" --out "$work/ours.img")
warm=$(time_ms "${cli[@]}" image --config "$config" --out "$work/ours.img")
[ -s "$work/ours.img" ] || { echo "qitech-os image wrote no image" >&2; exit 1; }

# The peer: the same package list, then the disk by hand.
packages="$(awk '$1=="packages"{$1=""; print substr($0,2)}' "$repo/configuration/base.lock" | tr ' ' ',')"
peer() {
  local tree="$work/tree" esp="$work/esp.img" root="$work/root.ext4" disk="$work/peer.img"
  rm -rf "$tree" "$esp" "$root" "$disk"
  unshare --mount mmdebstrap --quiet --mode=root --variant=minbase --include="$packages" bookworm "$tree"
  local kernel initrd
  kernel="$(ls "$tree"/boot/vmlinuz-* | head -1)"
  initrd="$(ls "$tree"/boot/initrd.img-* | head -1)"
  mkfs.vfat -C -F 32 -n ESP "$esp" 524288 >/dev/null
  mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries
  mcopy -i "$esp" "$tree/usr/lib/systemd/boot/efi/systemd-bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI
  mcopy -i "$esp" "$kernel" ::/vmlinuz
  mcopy -i "$esp" "$initrd" ::/initrd.img
  printf 'title Debian\nlinux /vmlinuz\ninitrd /initrd.img\noptions root=LABEL=root rw console=ttyS0,115200\n' > "$work/entry.conf"
  mcopy -i "$esp" "$work/entry.conf" ::/loader/entries/debian.conf
  local size_mib=$((4096 - 512 - 2))
  mkfs.ext4 -q -F -L root -d "$tree" "$root" "${size_mib}M"
  truncate -s 4G "$disk"
  printf 'label: gpt\nstart=2048, size=1048576, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\nstart=1050624, type=0FC63DAF-8483-4772-8E79-3D69C8ED7D4E\n' | sfdisk --quiet "$disk"
  dd if="$esp" of="$disk" bs=1M seek=1 conv=notrunc,sparse status=none
  dd if="$root" of="$disk" bs=1M seek=513 conv=notrunc,sparse status=none
}
peer_ms=$(time_ms peer)
[ -s "$work/peer.img" ] || { echo "the manual image was not written" >&2; exit 1; }

used() { du -k "$1" | cut -f1; }
row "" "ours" "peer" "ratio"
row "image, cold (ms)" "$cold" "$peer_ms" "$(ratio "$cold" "$peer_ms")"
row "image, warm (ms)" "$warm" "$peer_ms" "$(ratio "$warm" "$peer_ms")"
row "image blocks used (KiB)" "$(used "$work/ours.img")" "$(used "$work/peer.img")" "$(ratio "$(used "$work/ours.img")" "$(used "$work/peer.img")")"
