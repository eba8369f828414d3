namespace QiTech.Os.Build;

/// <summary>
/// The bubblewrap command line for one build: every namespace unshared (the network too,
/// unless the build is a fixed-output fetch), a fresh /proc, /dev and /tmp, a scratch store
/// directory with the input closure bound read-only at its logical paths, the host inputs
/// bound read-only, the build directory at <see cref="BuildTop"/>, and nothing else.
/// </summary>
internal sealed class BubblewrapSandbox
{
    public const string BuildTop = "/build";
    public const string Program = "bwrap";

    public required string LogicalStoreDir { get; init; }

    /// <summary>Writable directory shown as the store directory; outputs appear in it.</summary>
    public required string ScratchStoreDir { get; init; }

    public required string BuildDir { get; init; }

    /// <summary>Directory holding the sandbox's passwd, group and hosts files.</summary>
    public required string EtcDir { get; init; }

    /// <summary>(physical, logical) pairs of input store paths.</summary>
    public required IReadOnlyList<(string Physical, string Logical)> Inputs { get; init; }

    public required IReadOnlyList<HostInput> HostInputs { get; init; }

    public required bool Network { get; init; }

    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    public required string Builder { get; init; }

    public required IReadOnlyList<string> Args { get; init; }

    public static void WriteEtc(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "passwd"), "root:x:0:0:Build user:/build:/noshell\nnobody:x:65534:65534:Nobody:/:/noshell\n");
        File.WriteAllText(Path.Combine(dir, "group"), "root:x:0:\nnogroup:x:65534:\n");
        File.WriteAllText(Path.Combine(dir, "hosts"), "127.0.0.1 localhost\n::1 localhost\n");
    }

    public IReadOnlyList<string> Arguments()
    {
        var a = new List<string>
        {
            "--unshare-all", "--die-with-parent", "--new-session", "--hostname", "localhost",
            "--clearenv", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--ro-bind", Path.Combine(EtcDir, "passwd"), "/etc/passwd",
            "--ro-bind", Path.Combine(EtcDir, "group"), "/etc/group",
            "--ro-bind", Path.Combine(EtcDir, "hosts"), "/etc/hosts",
        };
        if (Network)
        {
            a.Add("--share-net");
            foreach (var file in new[] { "/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/ssl", "/etc/ca-certificates" })
            {
                if (Path.Exists(file))
                {
                    a.AddRange(["--ro-bind", file, file]);
                }
            }
        }
        a.AddRange(["--bind", ScratchStoreDir, LogicalStoreDir]);
        foreach (var (physical, logical) in Inputs.OrderBy(i => i.Logical, StringComparer.Ordinal))
        {
            a.AddRange(["--ro-bind", physical, logical]);
        }
        // A host input inside another one bound in place (gcc in /usr/bin) is there already; a
        // userland folder this host lacks (/usr/libexec) is left out.
        static bool InPlace(HostInput h) => h.HostPath == h.SandboxPath;
        foreach (var host in HostInputs.Where(h => !(InPlace(h) && HostInputs.Any(o => InPlace(o) && h.SandboxPath.StartsWith(o.SandboxPath + "/", StringComparison.Ordinal)))))
        {
            a.AddRange(["--ro-bind-try", host.HostPath, host.SandboxPath]);
        }
        a.AddRange(["--bind", BuildDir, BuildTop, "--chdir", BuildTop]);
        foreach (var (name, value) in Environment)
        {
            a.AddRange(["--setenv", name, value]);
        }
        a.Add("--");
        a.Add(Builder);
        a.AddRange(Args);
        return a;
    }
}
