using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Cli;

/// <summary>
/// The real CLI and daemon on roots broken by hand: every command ends with one line naming
/// the cause and the place and exit code 1, never with a stack trace or a signal.
/// </summary>
public sealed class BrokenRootTests : IDisposable
{
    private readonly TempDir _dir = new("qitech-broken");

    public void Dispose() => _dir.Dispose();

    private static string OneLine(QiTech.Os.Platform.ProcessResult result)
    {
        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.Stderr}");
        return Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("store", "add", "/etc/hostname")]
    [InlineData("store", "verify")]
    [InlineData("store", "gc")]
    [InlineData("list-generations")]
    [InlineData("switch", "--rollback")]
    [InlineData("status")]
    public void Should_name_a_file_that_stands_where_the_store_directory_belongs(params string[] command)
    {
        var root = _dir.Combine("root");
        Directory.CreateDirectory(Path.Combine(root, "qitech"));
        File.WriteAllText(Path.Combine(root, "qitech", "store"), "not a directory");

        var result = OurCli.Run(["--root", root, .. command]);

        Assert.Equal($"error: cannot open the store: {root}/qitech/store: is a file, not a directory", OneLine(result));
    }

    [Fact]
    public void Should_name_the_file_that_a_root_turned_out_to_be()
    {
        var root = _dir.Combine("root");
        File.WriteAllText(root, "not a directory");

        var result = OurCli.Run("--root", root, "store", "add", "/etc/hostname");

        Assert.Equal($"error: cannot open the store: Could not find a part of the path '{root}/qitech/store'. ({root} is a file, not a directory)", OneLine(result));
    }

    [RootFact]
    public void Should_report_a_store_the_user_may_not_enter()
    {
        var root = _dir.Combine("root");
        Assert.Equal(0, OurCli.Run("--root", root, "store", "verify").ExitCode);
        File.SetUnixFileMode(Path.Combine(root, "qitech", "store"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(_dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        // The CLI runs from a copy in the test's own folder: the checkout need not be open to
        // others (a clone under /root, 0700, is not), and the CLI must start before it can refuse.
        var line = OurCli.CommandLine(["--root", root, "store", "add", "/etc/hostname"]).ToList();
        var programAt = line[0] == "dotnet" ? 1 : 0;
        var copy = _dir.Combine("cli");
        CopyFolder(Path.GetDirectoryName(line[programAt])!, copy);
        line[programAt] = Path.Combine(copy, Path.GetFileName(line[programAt]));
        var result = HostProgram.Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", .. line]);

        Assert.Equal($"error: cannot open the store: Access to the path '{root}/qitech/store/.tmp' is denied.", OneLine(result));
    }

    [Fact]
    public void Should_report_an_unforeseen_failure_in_one_line_and_keep_the_trace_for_debug()
    {
        using var store = new StoreRoot();
        var env = new Dictionary<string, string> { ["QITECH_FAULT"] = "store-before-register=throw" };

        var plain = OurCli.Run(["--root", store.Root, "store", "add", "/etc/hostname"], null, env);
        var debug = OurCli.Run(["--root", store.Root, "--debug", "store", "add", "/etc/hostname"], null, env);

        Assert.Equal("error: unexpected InvalidOperationException: injected fault at store-before-register (run again with --debug for where it happened)", OneLine(plain));
        Assert.Equal(1, debug.ExitCode);
        Assert.StartsWith("error: unexpected InvalidOperationException: injected fault at store-before-register\n", debug.Stderr);
        Assert.Contains("   at QiTech.Os.Store.LocalStore.MoveIntoStore", debug.Stderr);
        // What was moved in for the failed add went again at once, not at the next open.
        Assert.Empty(store.Entries());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(store.Root, "qitech", "var", "pending")));
        Assert.Equal(0, store.LinkCount());
    }

    [Fact]
    public void Should_end_a_daemon_whose_run_directory_cannot_be_made_in_one_line()
    {
        var root = _dir.Combine("root");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "run"), "not a directory");

        var result = DaemonProcess.RunToEnd("--root", root, "--embedded");

        Assert.Equal($"error: Could not find a part of the path '{root}/run/qitech-os'. ({root}/run is a file, not a directory)", OneLine(result));
    }

    [Fact]
    public void Should_end_a_daemon_whose_socket_place_is_a_directory_in_one_line()
    {
        var root = _dir.Combine("root");
        Directory.CreateDirectory(Path.Combine(root, "run", "qitech-os", "daemon.sock", "x"));

        var result = DaemonProcess.RunToEnd("--root", root, "--embedded");

        var lines = result.Stderr.Trim().Split('\n');
        Assert.True(result.ExitCode == 1, result.Stderr);
        Assert.Equal($"error: {root}/run/qitech-os/daemon.sock: a directory is where the daemon's socket belongs", lines[^1]);
        Assert.DoesNotContain(lines, l => l.StartsWith("   at ", StringComparison.Ordinal));
    }

    // Folders and files only: links (a build's ./result) are not part of the program.
    private static void CopyFolder(string from, string to)
    {
        var plain = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var dir in Directory.EnumerateDirectories(from, "*", plain).Prepend(from))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }
        foreach (var file in Directory.EnumerateFiles(from, "*", plain))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
