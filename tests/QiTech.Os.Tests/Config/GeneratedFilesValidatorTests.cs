using QiTech.Os.Config;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Sources;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Config;

/// <summary>
/// The example's generated files checked by the real tools on a temp root: systemd-analyze
/// verify, systemd-sysusers, systemd-tmpfiles, nft -c, and udevadm verify where systemd has it.
/// Each check also gets a broken input, so a tool that accepted anything would fail the test.
/// </summary>
public sealed class GeneratedFilesValidatorTests : IDisposable
{
    private readonly TempDir temp = new("qitech-validate");
    private readonly string system;
    private readonly string root;

    public GeneratedFilesValidatorTests()
    {
        using var store = LocalStore.Open(new SystemLayout(temp.Combine("build"), new StoreDirectory(StoreDirectory.Default)));
        system = store.PhysicalPath(SystemBuilder.Build(ExampleConfiguration.CopyTo(temp.Combine("config")), VersionInfo.Unknown, store));
        root = temp.Combine("root");
        Directory.CreateDirectory(root);
        Run("cp", "-a", Path.Combine(system, "etc"), Path.Combine(root, "etc"));
        Run("chmod", "-R", "u+w", Path.Combine(root, "etc"));
    }

    [Fact]
    public void Units_pass_systemd_analyze_verify()
    {
        Directory.CreateDirectory(Path.Combine(root, "usr/lib/systemd"));
        Run("cp", "-a", "/usr/lib/systemd/system", Path.Combine(root, "usr/lib/systemd/system"));
        var unitDir = Path.Combine(root, "etc/systemd/system");
        var units = Directory.GetFiles(unitDir).Where(f => !File.GetAttributes(f).HasFlag(FileAttributes.ReparsePoint)).Select(Path.GetFileName).ToList();
        Assert.Equal(["cpufreq.service", "qitech-control-server-certificate.service", "qitech-control-server.service", "qitech-firewall.service", "qitech-kiosk.service"],
            units.Order(StringComparer.Ordinal));
        foreach (var unit in units)
        {
            foreach (var program in Programs(File.ReadAllText(Path.Combine(unitDir, unit!))))
            {
                PlaceProgram(program);
            }
        }

        var ok = HostProgram.Run("systemd-analyze", ["verify", "--root=" + root, .. units!], cwd: root);
        Assert.True(ok.ExitCode == 0 && ok.Stderr.Length == 0, ok.Stderr);

        File.WriteAllText(Path.Combine(unitDir, "broken.service"), "[Service]\nExecStart=/no/such/program\n");
        var broken = HostProgram.Run("systemd-analyze", ["verify", "--root=" + root, "broken.service"], cwd: root);
        Assert.NotEqual(0, broken.ExitCode);
    }

    [Fact]
    public void Users_and_homes_pass_sysusers_and_tmpfiles()
    {
        var sysusers = HostProgram.Run("systemd-sysusers", ["--root=" + root]);
        Assert.True(sysusers.ExitCode == 0, sysusers.Stderr);
        Assert.All(sysusers.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("Creating ", line, StringComparison.Ordinal));
        var passwd = File.ReadAllLines(Path.Combine(root, "etc/passwd"));
        Assert.Contains("qitech:x:1000:1000:QiTech HMI:/home/qitech:/bin/bash", passwd);
        Assert.Contains(passwd, l => l.StartsWith("qitech-service:x:", StringComparison.Ordinal) && l.EndsWith(":QiTech Control server:/:/usr/sbin/nologin", StringComparison.Ordinal));
        var realtime = File.ReadAllLines(Path.Combine(root, "etc/group")).Single(l => l.StartsWith("realtime:", StringComparison.Ordinal));
        Assert.EndsWith(":qitech,qitech-service", realtime, StringComparison.Ordinal);
        // The group the daemon admits: the kiosk user's own, with the server's user as a member.
        Assert.Contains("qitech:x:1000:qitech-service", File.ReadAllLines(Path.Combine(root, "etc/group")));

        var tmpfiles = HostProgram.Run("systemd-tmpfiles", ["--root=" + root, "--create"]);
        Assert.True(tmpfiles.ExitCode == 0 && tmpfiles.Stderr.Length == 0, tmpfiles.Stderr);
        var home = Path.Combine(root, "home/qitech");
        Assert.True(Directory.Exists(home));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home));

        File.WriteAllText(Path.Combine(root, "etc/sysusers.d/broken.conf"), "u bad-user 12:nosuchgroup\n");
        var broken = HostProgram.Run("systemd-sysusers", ["--root=" + root]);
        Assert.Contains("nosuchgroup", broken.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_firewall_passes_nft_check()
    {
        var ruleset = Path.Combine(root, "etc/nftables/qitech-firewall.nft");
        var ok = HostProgram.Run("nft", ["-c", "-f", ruleset]);
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Contains("tcp dport { 22, 443 } accept", File.ReadAllText(ruleset), StringComparison.Ordinal);

        File.WriteAllText(ruleset, File.ReadAllText(ruleset).Replace("accept\n  }", "acept\n  }", StringComparison.Ordinal));
        Assert.NotEqual(0, HostProgram.Run("nft", ["-c", "-f", ruleset]).ExitCode);
    }

    [SkippableFact]
    public void Udev_rules_pass_udevadm_verify_where_systemd_has_it()
    {
        var rules = Path.Combine(root, "etc/udev/rules.d/99-qitech.rules");
        Assert.Contains("SUBSYSTEM==\"hidraw\", GROUP=\"qitech-service\", MODE=\"0660\"", File.ReadAllText(rules), StringComparison.Ordinal);
        Assert.True(File.Exists("/usr/bin/udevadm") || File.Exists("/bin/udevadm"), "udevadm is not installed: the Debian package udev (.ci/packages.txt)");
        Skip.If(HostProgram.Run("udevadm", ["verify", "--help"]).ExitCode != 0,
            "this udevadm has no 'verify' (systemd before 254, as Debian 12's); only the rules' text was checked");
        var ok = HostProgram.Run("udevadm", ["verify", rules]);
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        File.AppendAllText(rules, "SUBSYSTEM=\"tty\" GROUP==\n");
        Assert.NotEqual(0, HostProgram.Run("udevadm", ["verify", rules]).ExitCode);
    }

    /// <summary>The programs of Exec*= lines (after systemd's prefixes such as '-' and '@').</summary>
    private static IEnumerable<string> Programs(string unit) =>
        unit.Split('\n')
            .Where(l => l.StartsWith("Exec", StringComparison.Ordinal) && l.Contains('='))
            .Select(l => l[(l.IndexOf('=') + 1)..].TrimStart('-', '@', ':', '+', '!').Split(' ')[0]);

    // verify checks that each program exists and is executable under the root: the store's from
    // the build, the rest copied from this machine (systemd resolves symlinks inside the root).
    private void PlaceProgram(string program)
    {
        if (program.StartsWith(StoreDirectory.Default + "/", StringComparison.Ordinal))
        {
            var baseName = program[(StoreDirectory.Default.Length + 1)..].Split('/')[0];
            var target = root + StoreDirectory.Default + "/" + baseName;
            if (!Directory.Exists(target))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                Run("cp", "-a", temp.Combine("build") + StoreDirectory.Default + "/" + baseName, target);
            }
            return;
        }
        Assert.True(File.Exists(program), $"{program} is not installed on this machine");
        Directory.CreateDirectory(Path.GetDirectoryName(root + program)!);
        Run("cp", "-L", program, root + program);
    }

    private static void Run(string file, params string[] args)
    {
        var r = HostProgram.Run(file, args);
        Assert.True(r.ExitCode == 0, $"{file}: {r.Stderr}");
    }

    public void Dispose() => temp.Dispose();
}
