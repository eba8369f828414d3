using System.Diagnostics;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Build;

/// <summary>Packages built from source by a configuration (<c>packages.*.build</c>), through the real CLI and bubblewrap.</summary>
public sealed class ConfigPackageBuildTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-pkg");

    private string Root => _temp.Combine("root");

    private string Config => _temp.Combine("config", "machine.yaml");

    public void Dispose() => _temp.Dispose();

    private void WriteConfig(string script, string? toolText = null)
    {
        Directory.CreateDirectory(_temp.Combine("config", "tools"));
        File.WriteAllText(_temp.Combine("config", "tools", "greeting.txt"), toolText ?? "hello from the source\n");
        var indented = string.Join('\n', script.Split('\n').Select(l => "        " + l));
        File.WriteAllText(Config, $"""
            system:
              hostName: pkg-test
            packages:
              slow-tool:
                build:
                  source: ./tools
                  script: |
            {indented}
            environment:
              systemPackages: [slow-tool]

            """);
    }

    private const string GoodScript = """
        echo building from $src
        mkdir -p "$out/bin"
        printf '#!/bin/sh\ncat %s/share/greeting.txt\n' "$out" > "$out/bin/slow-tool"
        chmod +x "$out/bin/slow-tool"
        mkdir -p "$out/share"; cp "$src/greeting.txt" "$out/share/"
        """;

    private QiTech.Os.Platform.ProcessResult Build() => OurCli.Run("--root", Root, "build", "--config", Config);

    private LocalStore OpenStore() => LocalStore.Open(new SystemLayout(Root, new StoreDirectory(StoreDirectory.Default)));

    [Fact]
    public void A_script_package_is_built_into_the_system_and_not_rebuilt_when_unchanged()
    {
        WriteConfig(GoodScript);

        var first = Build();

        Assert.True(first.ExitCode == 0, first.Stderr);
        var system = first.StdoutText.Trim();
        Assert.Contains("building slow-tool (1/1)", first.Stderr, StringComparison.Ordinal);
        Assert.Contains("slow-tool> building from /qitech/store/", first.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"built slow-tool in [0-9.]+ s: /qitech/store/[a-z0-9]{32}-slow-tool\n", first.Stderr);
        // The program is linked into sw/bin and runs from the store.
        var program = Root + system + "/sw/bin/slow-tool";
        var target = File.ResolveLinkTarget(program, returnFinalTarget: false)!.FullName;
        Assert.Matches(@"^/qitech/store/[a-z0-9]{32}-slow-tool/bin/slow-tool$", target);
        Assert.Equal("hello from the source\n", File.ReadAllText(ShareOf(system)));
        using (var store = OpenStore())
        {
            var systemInfo = store.QueryPathInfo(store.ParsePath(system))!;
            Assert.Contains(systemInfo.References, r => r.Name == "slow-tool"); // in the closure
        }
        Assert.True(File.Exists(Root + "/qitech/var/build-times.json"));

        var second = Build();

        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(system, second.StdoutText.Trim());
        Assert.Matches(@"slow-tool is already built: /qitech/store/[a-z0-9]{32}-slow-tool\n", second.Stderr);
        Assert.DoesNotContain("slow-tool> ", second.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Changing_the_source_rebuilds_the_package_into_another_path()
    {
        WriteConfig(GoodScript);
        var first = Build();
        Assert.True(first.ExitCode == 0, first.Stderr);

        WriteConfig(GoodScript, "changed\n");
        var second = Build();

        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.NotEqual(first.StdoutText, second.StdoutText);
        Assert.Contains("built slow-tool in", second.Stderr, StringComparison.Ordinal);
        Assert.Equal("changed\n", File.ReadAllText(ShareOf(second.StdoutText.Trim())));
    }

    /// <summary>The greeting file of the package a system's sw/bin/slow-tool belongs to.</summary>
    private string ShareOf(string system)
    {
        var program = File.ResolveLinkTarget(Root + system + "/sw/bin/slow-tool", returnFinalTarget: false)!.FullName;
        return Root + Path.GetDirectoryName(Path.GetDirectoryName(program)) + "/share/greeting.txt";
    }

    [Fact]
    public void Check_rebuilds_each_package_and_passes_when_the_bits_are_the_same()
    {
        WriteConfig(GoodScript);

        var r = OurCli.Run("--root", Root, "build", "--config", Config, "--check");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("built slow-tool in", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("checking slow-tool (1/1)", r.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"slow-tool rebuilt with the same bits: /qitech/store/[a-z0-9]{32}-slow-tool\n", r.Stderr);
        Assert.Equal(Build().StdoutText, r.StdoutText);
    }

    [Fact]
    public void Check_fails_naming_the_package_and_the_first_differing_file()
    {
        WriteConfig("mkdir -p \"$out/bin\" \"$out/share\"\necho fixed > \"$out/bin/a\"\ncat /proc/sys/kernel/random/uuid > \"$out/share/stamp\"");
        var first = Build();
        Assert.True(first.ExitCode == 0, first.Stderr);

        var r = OurCli.Run("--root", Root, "build", "--config", Config, "--check");

        Assert.Equal(1, r.ExitCode);
        Assert.Empty(r.StdoutText);
        Assert.Matches(@"error: build of 'slow-tool' is not reproducible: output 'out' \(/qitech/store/[a-z0-9]{32}-slow-tool\) has NAR hash sha256-\S+ in the store but sha256-\S+ when rebuilt, first at share/stamp; log: \S+\.check\.log\n", r.Stderr);
    }

    [Fact]
    public void A_failing_script_fails_the_build_with_its_last_lines_and_registers_nothing()
    {
        WriteConfig("for i in $(seq 1 40); do echo step $i; done\necho 'fatal: the compiler broke' >&2\nfalse\necho never");

        var r = Build();

        Assert.Equal(1, r.ExitCode);
        Assert.Empty(r.StdoutText);
        Assert.Contains("error: build of 'slow-tool' failed: the builder exited with code 1; last 20 log lines:", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("  fatal: the compiler broke\n", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("never", r.Stderr, StringComparison.Ordinal); // -e stops at the first failure
        var log = System.Text.RegularExpressions.Regex.Match(r.Stderr, @"full log: (\S+)").Groups[1].Value;
        Assert.StartsWith(Root + "/var/log/qitech/builds/", log, StringComparison.Ordinal);
        Assert.Contains("step 1\n", File.ReadAllText(log), StringComparison.Ordinal);
        using var store = OpenStore();
        Assert.DoesNotContain(store.AllValidPaths(), p => p.Name is "slow-tool" || p.Name.StartsWith("qitech-os-system", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_package_declaration_exits_2_and_stores_nothing()
    {
        Directory.CreateDirectory(_temp.Combine("config"));
        File.WriteAllText(Config, """
            packages:
              tool:
                storePath: /qitech/store/00000000000000000000000000000000-tool
                build:
                  script: mkdir $out
            """);

        var r = Build();

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {Config}:2:3: packages.tool: assertion failed: set exactly one of path, storePath, build.script and dotnet.project\n", r.Stderr);
        using var store = OpenStore();
        Assert.Empty(store.AllValidPaths());
    }

    [Theory]
    [InlineData("KILL")]
    [InlineData("TERM")]
    public void Killing_the_cli_mid_build_leaves_no_sandbox_process_and_no_output(string signal)
    {
        // A sleep of a unique length marks the sandbox, the shell and the sleep itself.
        var marker = "300." + Random.Shared.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        WriteConfig($"echo started\nmkdir -p \"$out\"\necho partial > \"$out/file\"\nsleep {marker}");
        using var cli = OurCli.Start(["--root", Root, "build", "--config", Config]);
        var logDir = Root + "/var/log/qitech/builds";
        WaitUntil(() => Directory.Exists(logDir) && Directory.EnumerateFiles(logDir, "*-slow-tool.log").Any(f => File.ReadAllText(f).Contains("started", StringComparison.Ordinal)));
        Assert.NotEmpty(ProcessesWith(marker));

        Assert.Equal(0, HostProgram.Run("kill", ["-" + signal, cli.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ExitCode);
        cli.WaitForExit();

        Assert.NotEqual(0, cli.ExitCode);
        WaitUntil(() => ProcessesWith(marker).Count == 0);
        using var store = OpenStore();
        Assert.DoesNotContain(store.AllValidPaths(), p => p.Name == "slow-tool");
        Assert.DoesNotContain(store.AllValidPaths(), p => p.Name.StartsWith("qitech-os-system", StringComparison.Ordinal));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Root + "/qitech/store"), e => e.EndsWith("-slow-tool", StringComparison.Ordinal));

        // The next build cleans what the killed one left and builds from scratch.
        WriteConfig(GoodScript);
        var again = Build();
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Empty(Directory.EnumerateDirectories(Root + "/qitech/var/builds"));
    }

    [Fact]
    public void A_collection_during_a_switch_waits_for_the_new_generation()
    {
        WriteConfig("echo started\nsleep 2\n" + GoodScript);
        using var cli = OurCli.Start(["--root", Root, "switch", "--config", Config]);
        var logDir = Root + "/var/log/qitech/builds";
        WaitUntil(() => Directory.Exists(logDir) && Directory.EnumerateFiles(logDir, "*-slow-tool.log").Any(f => File.ReadAllText(f).Contains("started", StringComparison.Ordinal)));

        // Nothing the switch added is rooted before its generation exists: the source, the
        // package, the system. The collection waits, then finds them all rooted.
        var gc = OurCli.Run("--root", Root, "store", "gc");
        cli.WaitForExit();

        Assert.Equal(0, gc.ExitCode);
        Assert.Equal(0, cli.ExitCode);
        var system = File.ResolveLinkTarget(Root + "/run/current-system", returnFinalTarget: false)!.ToString();
        Assert.Equal(0, OurCli.Run("--root", Root, "store", "path-info", "--closure", system).ExitCode);
        Assert.Equal("hello from the source\n", File.ReadAllText(ShareOf(system)));
        Assert.Equal(0, OurCli.Run("--root", Root, "store", "verify").ExitCode);
    }

    /// <summary>Live processes whose command line holds the marker (the sandbox and the script in it).</summary>
    private static List<int> ProcessesWith(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(dir + "/stat");
                if (!stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z') && File.ReadAllText(dir + "/cmdline").Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }
        return found;
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "the condition did not come true");
            Thread.Sleep(50);
        }
    }
}
