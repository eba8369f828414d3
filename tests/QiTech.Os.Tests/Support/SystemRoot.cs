using System.Security.Cryptography;
using System.Text;
using QiTech.Os.Activation;
using QiTech.Os.Generations;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Services;
using QiTech.Os.Store;

namespace QiTech.Os.Tests.Support;

/// <summary>
/// A temporary system root with a real store, system closures made by hand (a tree with
/// etc/systemd/system units, sw/, kernel-params and qitech-os-release) and the real CLI.
/// </summary>
public sealed class SystemRoot : IDisposable
{
    private readonly TempDir _dir = new("qitech-gen");
    private readonly List<LocalStore> _opened = [];
    private int _sources;

    public SystemRoot()
    {
        Directory.CreateDirectory(Root);
        Layout = new SystemLayout(Root, new StoreDirectory(StoreDirectory.Default));
    }

    public string Root => _dir.Combine("root");

    public SystemLayout Layout { get; }

    public QiTech.Os.Platform.ProcessResult Cli(params string[] args) => OurCli.Run(["--root", Root, .. args], null);

    public QiTech.Os.Platform.ProcessResult CliWith(IDictionary<string, string> env, params string[] args) => OurCli.Run(["--root", Root, .. args], null, env);

    /// <summary>Runs the CLI and insists on success; returns stdout.</summary>
    public string Ok(params string[] args)
    {
        var r = Cli(args);
        Assert.True(r.ExitCode == 0, $"qitech-os {string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}{r.StdoutText}");
        return r.StdoutText;
    }

    /// <summary>Default units, both enabled: a.service (the same in every system) and b.service (differs by label).</summary>
    public static Dictionary<string, string> Units(string label) => new()
    {
        ["a.service"] = "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n",
        ["b.service"] = $"[Service]\nExecStart=/bin/echo {label}\n[Install]\nWantedBy=multi-user.target\n",
    };

    /// <summary>Writes a system closure and adds it to the store; returns its logical store path.</summary>
    public string AddSystem(
        string label,
        IDictionary<string, string>? units = null,
        IDictionary<string, string>? etc = null,
        bool release = true,
        string kernelParams = "quiet loglevel=3",
        byte[]? payload = null,
        IDictionary<string, string>? topLevelFiles = null,
        IDictionary<string, string>? etcLinks = null)
    {
        var tree = _dir.Combine("src", $"{++_sources}", "system-" + label);
        Directory.CreateDirectory(Path.Combine(tree, "etc", "systemd", "system"));
        Directory.CreateDirectory(Path.Combine(tree, "sw", "bin"));
        foreach (var (name, text) in units ?? Units(label))
        {
            File.WriteAllText(Path.Combine(tree, "etc", "systemd", "system", name), text);
        }
        foreach (var (name, text) in etc ?? new Dictionary<string, string> { ["motd"] = $"welcome to {label}\n" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(tree, "etc", name))!);
            File.WriteAllText(Path.Combine(tree, "etc", name), text);
        }
        foreach (var (name, target) in etcLinks ?? new Dictionary<string, string>())
        {
            File.CreateSymbolicLink(Path.Combine(tree, "etc", name), target);
        }
        if (release)
        {
            var commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(label)));
            File.WriteAllText(Path.Combine(tree, "qitech-os-release"),
                $"QITECH_OS=true\nQITECH_OS_GIT_ABBREVIATION={label}\nQITECH_OS_GIT_COMMIT={commit}\n"
                + "QITECH_OS_GIT_TIMESTAMP=2026-11-01T10:00:00+00:00\nQITECH_OS_GIT_URL=https://example.org/machine.git\n");
        }
        File.WriteAllText(Path.Combine(tree, "kernel-params"), kernelParams + "\n");
        foreach (var (name, text) in topLevelFiles ?? new Dictionary<string, string>())
        {
            File.WriteAllText(Path.Combine(tree, name), text);
        }
        if (payload != null)
        {
            File.WriteAllBytes(Path.Combine(tree, "sw", "bin", "payload"), payload);
        }
        using var store = LocalStore.Open(Layout);
        return store.Render(store.AddPath(tree));
    }

    /// <summary>
    /// The same operations the CLI runs, in this process (no service manager), to set up a
    /// root quickly; what is under test still goes through <see cref="Cli"/>.
    /// </summary>
    public SystemManager Manager(IServiceManager? services = null)
    {
        var store = LocalStore.Open(Layout);
        _opened.Add(store);
        return new SystemManager(Layout, new LocalStoreReader(store), services);
    }

    /// <summary>Switches to <paramref name="system"/> in this process.</summary>
    public void SwitchTo(string system) =>
        Manager().ActivateAsync(ActivationMode.Switch, ActivationTarget.ParseStorePath(Layout, system)).GetAwaiter().GetResult();

    /// <summary>The raw target of a link under the root ("/run/current-system"), or null.</summary>
    /// <summary>A logical store path (as <see cref="AddSystem"/> returns it) as the value the daemon's contract carries.</summary>
    public Nix.StorePath StorePathOf(string logicalPath) =>
        Layout.StoreDir.TryParse(logicalPath, out var path, out var error) ? path : throw new FormatException($"{logicalPath} {error.Describe()}");

    public string? LinkTarget(string logicalPath) => new FileInfo(Layout.Physical(logicalPath)).LinkTarget;

    public string Physical(string logicalPath) => Layout.Physical(logicalPath);

    /// <summary>Reads a file of the running system, following logical links as the machine would.</summary>
    public string ReadText(string logicalPath) => File.ReadAllText(RootedPath.Resolve(Layout, logicalPath));

    /// <summary>True when the entry exists at all (a link counts, dangling or not).</summary>
    public bool Has(string logicalPath) => Posix.TryStat(Posix.AtFdCwd, Posix.Z(Layout.Physical(logicalPath)), out _);

    /// <summary>
    /// Everything under the root but the store and its database, as sorted lines: path, kind,
    /// link target or content digest. Two equal snapshots mean nothing changed.
    /// </summary>
    public string Snapshot()
    {
        var lines = new List<string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(Root, "*", SearchOption.AllDirectories))
        {
            var relative = entry[Root.Length..];
            // Lock files and sockets carry no state, and reading one that another process holds fails.
            if (relative.StartsWith("/qitech/store", StringComparison.Ordinal) || relative.StartsWith("/qitech/var/db.sqlite", StringComparison.Ordinal)
                || relative.EndsWith(".lock", StringComparison.Ordinal) || relative.EndsWith(".sock", StringComparison.Ordinal))
            {
                continue;
            }
            var info = new FileInfo(entry);
            lines.Add(info.LinkTarget is { } target ? $"{relative} -> {target}"
                : Directory.Exists(entry) ? $"{relative}/"
                : $"{relative} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(entry)))}");
        }
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    public void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }
        _dir.Dispose();
    }
}
