namespace QiTech.Os.Base;

/// <summary>
/// The bubblewrap command line that runs mmdebstrap: its own mount, pid, ipc and uts
/// namespaces (a failed run can leave no mount behind on the host), the network only when
/// <see cref="Network"/> (the lock's online resolution; an offline build has none), the host's
/// /usr and /etc read-only (mmdebstrap, apt, dpkg), store paths read-only at their logical
/// paths, and one writable folder at <see cref="OutDir"/>. mmdebstrap runs in root mode, which
/// needs root's capabilities inside the sandbox: it mounts /proc in the new tree, makes device
/// nodes and gives files their owners, which the store cannot and a user namespace would not.
/// </summary>
internal sealed class MmdebstrapSandbox
{
    public const string OutDir = "/out";
    public const string Program = "mmdebstrap";

    /// <summary>1980-01-01: mmdebstrap makes a reproducible tree when SOURCE_DATE_EPOCH is set.</summary>
    public const string SourceDateEpoch = "315532800";

    public required bool Network { get; init; }

    /// <summary>The physical folder shown at <see cref="OutDir"/>, writable.</summary>
    public required string HostOutDir { get; init; }

    /// <summary>(physical, logical) pairs bound read-only.</summary>
    public IReadOnlyList<(string Physical, string Logical)> ReadOnly { get; init; } = [];

    public required IReadOnlyList<string> MmdebstrapArgs { get; init; }

    public static bool IsRoot => Platform.Posix.GetEffectiveUserId() == 0;

    public IReadOnlyList<string> Arguments()
    {
        var a = new List<string>
        {
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--cap-add", "ALL",
            "--ro-bind", "/usr", "/usr",
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--ro-bind", "/etc", "/etc",
            "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
            "--bind", HostOutDir, OutDir,
            "--clearenv",
            "--setenv", "PATH", "/usr/sbin:/usr/bin",
            "--setenv", "LC_ALL", "C.UTF-8",
            "--setenv", "TMPDIR", OutDir + "/tmp",
            "--setenv", "SOURCE_DATE_EPOCH", SourceDateEpoch,
        };
        if (!Network)
        {
            a.Insert(0, "--unshare-net");
        }
        foreach (var (physical, logical) in ReadOnly.OrderBy(b => b.Logical, StringComparer.Ordinal))
        {
            a.AddRange(["--ro-bind", physical, logical]);
        }
        a.Add("--");
        a.Add(Program);
        a.AddRange(MmdebstrapArgs);
        return a;
    }

    /// <summary>
    /// The options every base build shares, online or offline: the request's variant,
    /// architecture and packages, and no apt sources left in the tree (a machine's packages
    /// change only with its generation, and a source line would name the build's mirror).
    /// </summary>
    public static IReadOnlyList<string> CommonOptions(BaseRequest request)
    {
        var options = new List<string>
        {
            "--mode=root",
            "--variant=" + request.Variant,
            "--architectures=" + request.Architecture,
            "--customize-hook=rm -f \"$1/etc/apt/sources.list\"",
        };
        if (request.Packages.Count > 0)
        {
            options.Add("--include=" + string.Join(',', request.Packages));
        }
        if (request.DisabledUnits.Count > 0)
        {
            // The base's own systemctl, offline: it removes the links the packages' scripts made.
            options.Add("--customize-hook=chroot \"$1\" systemctl disable --quiet " + string.Join(' ', request.DisabledUnits));
        }
        return options;
    }
}
