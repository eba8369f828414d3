namespace QiTech.Os.Tests.Vm;

/// <summary>
/// What the VM suite needs on the host; a test that cannot run says which is missing and is
/// reported skipped. It runs only with QITECH_VM_TESTS=1 for now.
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

    /// <summary>Null when the suite can run, else why not.</summary>
    public static string? SkipReason()
    {
        // Opt-in: the suite takes about 45 minutes under TCG on two cores, half of the whole CI
        // run's time, and runs where asked (README, "The whole operating system").
        if (Environment.GetEnvironmentVariable("QITECH_VM_TESTS") != "1")
        {
            return "the VM suite runs with QITECH_VM_TESTS=1 (about 45 min under TCG)";
        }
        if (Environment.UserName != "root")
        {
            return "the VM suite builds a Debian base and a disk image, which needs root";
        }
        var missing = Programs.Where(p => !File.Exists(p.Path)).Select(p => $"{p.Path} ({p.Package})").ToList();
        return missing.Count > 0 ? "missing " + string.Join(", ", missing) : null;
    }
}
