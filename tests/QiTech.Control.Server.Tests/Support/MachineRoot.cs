using System.Security.Cryptography;
using System.Text;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Control.Server.Tests.Support;

/// <summary>
/// A temporary system root with a real store holding system closures made by hand: a unit
/// that logs its version and keeps running, <c>sw/</c>, kernel-params and qitech-os-release.
/// </summary>
public sealed class MachineRoot : IDisposable
{
    private int sources;

    public MachineRoot()
    {
        Dir = Directory.CreateTempSubdirectory("qitech-ui-").FullName;
        Directory.CreateDirectory(Root);
        Layout = new SystemLayout(Root, new StoreDirectory(StoreDirectory.Default));
    }

    public string Dir { get; }

    public string Root => Path.Combine(Dir, "root");

    public SystemLayout Layout { get; }

    public static string CommitOf(string label) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(label)));

    /// <summary>
    /// Adds a system whose version is <paramref name="label"/>, trusting bundles signed by
    /// <paramref name="trustedKey"/> when given; returns its logical store path.
    /// </summary>
    public string AddSystem(string label, string? trustedKey = null)
    {
        var tree = Path.Combine(Dir, "src", $"{++sources}", "system-" + label);
        var units = Path.Combine(tree, "etc", "systemd", "system");
        Directory.CreateDirectory(units);
        Directory.CreateDirectory(Path.Combine(tree, "sw", "bin"));
        File.WriteAllText(Path.Combine(units, "qitech-machine.service"),
            $"[Service]\nExecStart=/bin/sh -c 'echo machine {label} started; exec sleep 100000'\n[Install]\nWantedBy=multi-user.target\n");
        File.WriteAllText(Path.Combine(tree, "etc", "motd"), $"welcome to {label}\n");
        File.WriteAllText(Path.Combine(tree, "qitech-os-release"),
            $"QITECH_OS=true\nQITECH_OS_GIT_ABBREVIATION={label}\nQITECH_OS_GIT_COMMIT={CommitOf(label)}\n"
            + "QITECH_OS_GIT_TIMESTAMP=2026-11-01T10:00:00+00:00\nQITECH_OS_GIT_URL=https://example.org/machine.git\n");
        File.WriteAllText(Path.Combine(tree, "kernel-params"), "quiet\n");
        if (trustedKey is not null)
        {
            File.WriteAllText(Path.Combine(tree, QiTech.Os.Config.SystemBuilder.ConfigurationJson),
                $"{{\"system\":{{\"update\":{{\"trustedPublicKeys\":[\"{trustedKey}\"]}}}}}}\n");
        }
        using var store = LocalStore.Open(Layout);
        return store.Render(store.AddPath(tree));
    }

    public QiTech.Os.Nix.StorePath StorePathOf(string logicalPath) =>
        Layout.StoreDir.TryParse(logicalPath, out var path, out var error) ? path : throw new FormatException($"{logicalPath} {error}");

    public void Dispose()
    {
        try
        {
            TreeRemover.Remove(Dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or QiTech.Os.Errors.QiTechOsException)
        {
            // The store is read-only by design; a leftover temp folder is harmless.
        }
    }
}
