namespace QiTech.Os.Tests.Vm;

/// <summary>
/// What the VM suite needs on the host; a test that cannot run says which is missing and is
/// reported skipped. The machine's sequence (<see cref="VmMachineTests"/>) runs wherever it can,
/// so every ./test.sh and CI run boots the whole OS through its life; boot counting (three failed
/// boots and one more: about 15 minutes more under TCG on two cores) runs with QITECH_VM_TESTS=1;
/// QITECH_VM_TESTS=0 skips them all.
/// </summary>
public static class VmRequirements
{
    public const string OvmfCode = "/usr/share/OVMF/OVMF_CODE_4M.fd";
    public const string OvmfVars = "/usr/share/OVMF/OVMF_VARS_4M.fd";

    private static readonly (string Path, string Package)[] Programs =
    [
        ("/usr/bin/qemu-system-x86_64", "qemu-system-x86"), ("/usr/bin/qemu-img", "qemu-utils"), (OvmfCode, "ovmf"), (OvmfVars, "ovmf"),
        ("/usr/bin/mmdebstrap", "mmdebstrap"), ("/usr/sbin/mkfs.vfat", "dosfstools"), ("/usr/bin/mcopy", "mtools"),
        ("/usr/sbin/sfdisk", "fdisk"), ("/usr/sbin/mkfs.ext4", "e2fsprogs"), ("/usr/bin/tesseract", "tesseract-ocr"),
    ];

    /// <summary>Null when <paramref name="kind"/> can run, else why not.</summary>
    public static string? SkipReason(VmCase kind)
    {
        var asked = Environment.GetEnvironmentVariable("QITECH_VM_TESTS");
        if (asked == "0")
        {
            return "QITECH_VM_TESTS=0 skips the VM suite";
        }
        if (kind == VmCase.Long && asked != "1")
        {
            return "boot counting runs with QITECH_VM_TESTS=1 (about 15 min more under TCG)";
        }
        if (Environment.UserName != "root")
        {
            return "the VM suite builds a Debian base and a disk image, which needs root";
        }
        var missing = Programs.Where(p => !File.Exists(p.Path)).Select(p => $"{p.Path} ({p.Package})").ToList();
        return missing.Count > 0 ? "missing " + string.Join(", ", missing) : null;
    }
}

/// <summary>How long a VM case takes: the machine's sequence, run always, or a long case, run when asked.</summary>
public enum VmCase
{
    Boot,
    Long,
}
