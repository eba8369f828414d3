using System.Net;
using System.Net.Sockets;
using System.Text;
using QiTech.Os.Build;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Build;

public sealed class SandboxBuildTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-build");
    private readonly LocalStore _store;
    private readonly DerivationBuilder _builder;

    public SandboxBuildTests()
    {
        _store = LocalStore.Open(SystemLayout.FromOptions(_temp.Combine("root"), null));
        _builder = new DerivationBuilder(_store);
    }

    private static Derivation Shell(string name, string script, IEnumerable<StorePath>? inputs = null, IReadOnlyDictionary<string, string>? env = null) => new()
    {
        Name = name,
        Builder = "/bin/sh",
        Args = ["-c", script],
        Env = env ?? new Dictionary<string, string> { ["PATH"] = "/usr/bin" },
        InputPaths = (inputs ?? []).ToHashSet(),
        HostInputs = HostInputs.BaseSystem(),
    };

    private string Read(StorePath path) => File.ReadAllText(_store.PhysicalPath(path));

    [Fact]
    public async Task The_same_derivation_twice_gives_the_same_path_and_is_built_once()
    {
        var drv = Shell("hello", "mkdir $out; echo hello > $out/greeting; ln -s greeting $out/link");

        var first = await _builder.BuildAsync(drv);
        var second = await _builder.BuildAsync(drv);

        Assert.True(first.Built);
        Assert.False(second.Built);
        Assert.Equal(first.Out, second.Out);
        Assert.Equal(first.NarHash, second.NarHash);
        Assert.Equal("hello\n", File.ReadAllText(_store.PhysicalPath(first.Out) + "/greeting"));
        Assert.Equal(NixOracle.Hash(_store.PhysicalPath(first.Out), base32: false), first.NarHash.ToBase16());
        Assert.Equal(first.DerivationPath, _store.QueryPathInfo(first.Out)!.Deriver);
    }

    [Fact]
    public async Task A_second_machine_builds_the_same_path_and_bits()
    {
        using var other = LocalStore.Open(SystemLayout.FromOptions(_temp.Combine("other-root"), null));
        var drv = Shell("stamp", "date -d @$SOURCE_DATE_EPOCH > $out; echo $HOME $TZ $PWD >> $out",
            env: new Dictionary<string, string> { ["PATH"] = "/usr/bin", ["SOURCE_DATE_EPOCH"] = "1704103200" });

        var a = await _builder.BuildAsync(drv);
        var b = await new DerivationBuilder(other).BuildAsync(drv);

        Assert.Equal(a.Out, b.Out);
        Assert.Equal(a.NarHash, b.NarHash);
        Assert.Equal("Mon Jan  1 10:00:00 UTC 2024\n/homeless-shelter UTC /build\n", Read(a.Out));
    }

    [Fact]
    public async Task Any_change_to_the_derivation_changes_the_output_path()
    {
        var baseline = _builder.Resolve(Shell("pkg", "echo a > $out")).Out;

        Assert.NotEqual(baseline, _builder.Resolve(Shell("pkg", "echo b > $out")).Out);
        Assert.NotEqual(baseline, _builder.Resolve(Shell("pkg", "echo a > $out", env: new Dictionary<string, string> { ["X"] = "1" })).Out);
        Assert.NotEqual(baseline, _builder.Resolve(Shell("pkg", "echo a > $out") with { HostInputs = [new HostInput("dotnet-sdk", "10.0.999", "/nonexistent", "/opt/dotnet")] }).Out);
        var input = _store.AddText("input", "x", []);
        Assert.NotEqual(baseline, _builder.Resolve(Shell("pkg", "echo a > $out", [input])).Out);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task The_sandbox_has_no_network()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var probe = $"if /usr/bin/bash -c 'echo > /dev/tcp/127.0.0.1/{port}' 2>/dev/null; then echo connected; else echo refused; fi";
        var host = HostProgram.Run("/bin/sh", ["-c", probe]);
        Assert.Equal("connected\n", host.StdoutText); // the probe does reach the port from outside

        var result = await _builder.BuildAsync(Shell("net-probe", probe + " > $out; cat /proc/net/dev >> $out"));

        var text = Read(result.Out);
        Assert.StartsWith("refused\n", text);
        var interfaces = text.Split('\n').Skip(3).Where(l => l.Contains(':')).Select(l => l.Split(':')[0].Trim()).ToList();
        Assert.Equal(["lo"], interfaces);
    }

    [Fact]
    public async Task Only_declared_inputs_are_visible()
    {
        var declared = _store.AddText("declared", "d", []);
        var undeclared = _store.AddText("undeclared", "u", []);
        var script = "ls / > $out; echo --- >> $out; ls /qitech/store >> $out; echo --- >> $out; " +
                     $"cat {_store.Render(declared)} >> $out; cat {_store.Render(undeclared)} 2>/dev/null >> $out || echo unreadable >> $out";

        var result = await _builder.BuildAsync(Shell("visibility", script, [declared]));

        var parts = Read(result.Out).Split("---\n");
        Assert.Equal(["bin", "build", "dev", "etc", "lib", "lib64", "proc", "qitech", "sbin", "tmp", "usr"], parts[0].Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // The declared input, and the output being written: nothing else of the store.
        Assert.Equal(new[] { declared.BaseName, result.Out.BaseName }.Order(), parts[1].Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Equal("dunreadable\n", parts[2]);
        Assert.Equal([declared], _store.QueryPathInfo(result.Out)!.References); // found by scanning, as Nix does
    }

    [Fact]
    public async Task A_fixed_output_with_the_wrong_hash_fails_naming_both_hashes()
    {
        var expected = Sha256Digest.Of(Encoding.ASCII.GetBytes("goodbye"));
        var actual = Sha256Digest.Of(Encoding.ASCII.GetBytes("hello"));
        var drv = Shell("fetched", "printf hello > $out") with { FixedOutput = new FixedOutput(expected, Recursive: false) };

        var e = await Assert.ThrowsAsync<BuildException>(() => _builder.BuildAsync(drv));

        Assert.Equal($"hash mismatch in fixed-output derivation 'fetched': expected {expected.ToSri()} got {actual.ToSri()}", e.Message);
        Assert.False(_store.IsValid(_builder.Resolve(drv).Out));
    }

    [Fact]
    public async Task A_fixed_output_with_the_right_hash_lands_at_its_content_path()
    {
        var hash = Sha256Digest.Of(Encoding.ASCII.GetBytes("hello"));
        var drv = Shell("fetched", "printf hello > $out") with { FixedOutput = new FixedOutput(hash, Recursive: false) };

        var result = await _builder.BuildAsync(drv);

        Assert.Equal(new StorePathComputer(_store.Layout.StoreDir).MakeFixedOutputPath(false, hash, "fetched"), result.Out);
        Assert.Equal("hello", Read(result.Out));
    }

    [Fact]
    public async Task A_failing_build_shows_its_last_lines_and_log_and_registers_nothing()
    {
        var drv = Shell("broken", "for i in $(seq 1 30); do echo line $i; done; echo 'error CS1002: ; expected' >&2; exit 3");

        var e = await Assert.ThrowsAsync<BuildException>(() => _builder.BuildAsync(drv));

        Assert.StartsWith("build of 'broken' failed: the builder exited with code 3; last 20 log lines:", e.Message);
        Assert.Contains("  error CS1002: ; expected", e.Message);
        Assert.DoesNotContain("line 10\n", e.Message);
        Assert.EndsWith("full log: " + e.LogPath, e.Message);
        Assert.Contains("line 1\n", File.ReadAllText(e.LogPath!));
        Assert.StartsWith(_store.Layout.LogDir + "/builds/", e.LogPath);
        Assert.False(_store.IsValid(_builder.Resolve(drv).Out));
        Assert.Empty(Directory.GetDirectories(_store.Layout.StateDir + "/builds"));
    }

    [Fact]
    public async Task Check_passes_for_a_reproducible_build_and_fails_for_one_that_is_not()
    {
        var stable = Shell("stable", "echo same > $out");
        var unstable = Shell("unstable", "cat /proc/sys/kernel/random/uuid > $out");
        await _builder.BuildAsync(stable);
        var built = await _builder.BuildAsync(unstable);

        var ok = await _builder.BuildAsync(stable, new BuildOptions { Check = true });
        var e = await Assert.ThrowsAsync<BuildException>(() => _builder.BuildAsync(unstable, new BuildOptions { Check = true }));

        Assert.True(ok.Built);
        Assert.Contains("build of 'unstable' is not reproducible", e.Message);
        Assert.Equal(built.NarHash, _store.QueryPathInfo(built.Out)!.NarHash); // the store copy is untouched
    }

    [Fact]
    public async Task Cancelling_kills_the_whole_sandbox_and_registers_nothing()
    {
        var marker = "qitech-cancel-" + Guid.NewGuid().ToString("N");
        var started = new TaskCompletionSource();
        var drv = Shell("slow", "echo started; sleep 300 & sleep 300 & wait; echo done > $out", env: new Dictionary<string, string> { ["PATH"] = "/usr/bin", ["MARKER"] = marker });
        using var cancel = new CancellationTokenSource();
        var options = new BuildOptions { Log = new SyncProgress(line => { if (line == "started") { started.TrySetResult(); } }) };

        var build = _builder.BuildAsync(drv, options, cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => build);
        Assert.False(_store.IsValid(_builder.Resolve(drv).Out));
        Assert.Empty(ProcessesMentioning(marker));
        Assert.Empty(Directory.GetDirectories(_store.Layout.StateDir + "/builds"));
    }

    [Fact]
    public async Task The_host_dotnet_sdk_enters_as_a_versioned_input()
    {
        var sdk = HostInputs.DotnetSdk(CancellationToken.None);
        var drv = Shell("sdk-version", "dotnet --version > $out",
            env: new Dictionary<string, string> { ["PATH"] = sdk.SandboxPath + ":/usr/bin", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_HOME"] = "/build" })
            with
        { HostInputs = [.. HostInputs.BaseSystem(), sdk] };

        var result = await _builder.BuildAsync(drv);

        Assert.Equal(sdk.Version + "\n", Read(result.Out));
        Assert.Contains($"\"{DerivationHasher.HostInputsVariable}\"", result.Derivation.ATerm);
        Assert.Contains($"dotnet-sdk@{sdk.Version}:", result.Derivation.ATerm);
    }

    private static List<int> ProcessesMentioning(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(dir + "/cmdline").Contains(marker) || File.ReadAllText(dir + "/environ").Contains(marker))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return found;
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }
}
