using System.Globalization;

namespace QiTech.Os.Image;

/// <summary>
/// The script <c>qitech-os build-vm</c> leaves beside the image (as <c>nixos-rebuild build-vm</c>'s
/// <c>result/bin/run-*-vm</c>): it boots the image in qemu with UEFI (OVMF), writing to a
/// copy-on-write disk in the working folder so the image stays as built, the serial console on
/// the terminal, the display in a window when there is one, and the control server's port
/// forwarded to the host's loopback. KVM when it works (QITECH_VM_ACCEL=kvm), else TCG.
/// </summary>
public static class VmScript
{
    public const string FileName = "run-vm";

    public static string Render(string image, string name, int hostPort) => string.Create(CultureInfo.InvariantCulture, $$"""
        #!/bin/sh
        # Boots {{name}} in qemu: the UI on http://127.0.0.1:{{hostPort}}/, the serial console here.
        # The disk is ./{{name}}.qcow2 over the image (delete it to start afresh).
        set -eu
        here="$(cd "$(dirname "$0")" && pwd)"
        image="$here/{{Path.GetFileName(image)}}"
        disk="${QITECH_VM_DISK:-./{{name}}.qcow2}"
        vars="${disk%.qcow2}-efivars.fd"
        [ -e "$disk" ] || qemu-img create -q -f qcow2 -F raw -b "$image" "$disk"
        [ -e "$vars" ] || cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
        accel="${QITECH_VM_ACCEL:-tcg,thread=multi}"
        display=none
        [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && display=gtk
        exec qemu-system-x86_64 -machine q35 -accel "$accel" -cpu max -smp 2 -m 2048 -nodefaults \
          -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
          -drive if=pflash,format=raw,file="$vars" \
          -drive if=virtio,file="$disk",format=qcow2 \
          -vga virtio -display "$display" -serial mon:stdio \
          -device virtio-serial -chardev socket,id=qga0,path="${disk%.qcow2}-qga.sock",server=on,wait=off \
          -device virtserialport,chardev=qga0,name=org.qemu.guest_agent.0 \
          -netdev user,id=net0,hostfwd=tcp:127.0.0.1:{{hostPort}}-:3001 -device virtio-net-pci,netdev=net0 \
          "$@"

        """);
}
