using QiTech.Os.Platform;

namespace QiTech.Os.Tests.Support;

/// <summary>A temporary system root with the CLI pointed at it.</summary>
public sealed class StoreRoot : IDisposable
{
    private readonly TempDir _dir = new("qitech-root");

    public string Root => _dir.Combine("root");

    public string Scratch(string name) => _dir.Combine(name);

    public string StoreDir => Path.Combine(Root, "qitech", "store");

    public QiTech.Os.Platform.ProcessResult Cli(params string[] args) => OurCli.Run(["--root", Root, .. args], null);

    public QiTech.Os.Platform.ProcessResult CliWithInput(byte[] stdin, params string[] args) => OurCli.Run(["--root", Root, .. args], stdin);

    public string Add(string path, string? name = null)
    {
        var r = name == null ? Cli("store", "add", path) : Cli("store", "add", path, "--name", name);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.StdoutText.Trim().Split('\n').Last();
    }

    public string Physical(string logical) => Root + logical;

    /// <summary>Store entries (not the hidden bookkeeping folders).</summary>
    public IReadOnlyList<string> Entries() =>
        Directory.Exists(StoreDir)
            ? Directory.EnumerateFileSystemEntries(StoreDir).Select(e => Path.GetFileName(e)).Where(n => !n.StartsWith('.')).Order().ToList()
            : [];

    public int LinkCount() => Directory.EnumerateFiles(Path.Combine(StoreDir, ".links")).Count();

    public long DiskBytes() => DiskUsageOf(StoreDir);

    private static long DiskUsageOf(string dir)
    {
        var r = HostProgram.Run("du", ["-s", "-B1", dir]);
        return long.Parse(r.StdoutText.Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _dir.Dispose();
}
