using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using QiTech.Os.Build;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Build;

/// <summary>A configuration's packages built one by one in the real sandbox: what they report, and the estimates kept between builds.</summary>
public sealed class PackageSetBuilderTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-pkgset");
    private readonly LocalStore _store;

    public PackageSetBuilderTests() => _store = LocalStore.Open(SystemLayout.FromOptions(_temp.Combine("root"), null));

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    private static Derivation Script(string name, string script) => new()
    {
        Name = name,
        Builder = "/bin/sh",
        Args = ["-eu", "-c", script],
        Env = new Dictionary<string, string> { ["PATH"] = "/usr/bin" },
        HostInputs = HostInputs.BaseSystem(),
    };

    private sealed class Recorder : IPackageBuildProgress
    {
        public ConcurrentQueue<string> Events { get; } = new();

        public ConcurrentQueue<TimeSpan> Estimates { get; } = new();

        public ConcurrentQueue<int> Percents { get; } = new();

        public void Starting(string package, int index, int count) => Events.Enqueue($"start {package} {index + 1}/{count}");

        public void Log(string package, string line) => Events.Enqueue($"{package}> {line}");

        public void Finished(string package, StorePath output, bool built, TimeSpan duration) => Events.Enqueue($"{(built ? "built" : "skipped")} {package}");

        public void Percent(int percent) => Percents.Enqueue(percent);

        public ConcurrentQueue<string> Packages { get; } = new();

        // Null is "estimating": only real estimates are kept.
        public void TimeLeft(TimeSpan? estimate)
        {
            if (estimate is { } known)
            {
                Estimates.Enqueue(known);
            }
        }

        public void Package(int number, int count, string name, TimeSpan? left) => Packages.Enqueue($"{name} {number}/{count}");
    }

    [Fact]
    public async Task Reports_each_package_and_estimates_the_time_left_from_the_last_build_of_the_same_name()
    {
        var builder = new PackageSetBuilder(_store);
        var first = new Recorder();

        await builder.BuildAsync([Script("tool", "echo one; sleep 1; echo 1 > $out"), Script("zz-other", "echo 2 > $out")], first);

        Assert.Equal(["start tool 1/2", "tool> one", "built tool", "start zz-other 2/2", "built zz-other"], first.Events);
        Assert.Empty(first.Estimates); // nothing built before: nothing to estimate from
        Assert.Contains("tool 1/2", first.Packages);
        Assert.Equal(100, first.Percents.Last());
        var times = JsonNode.Parse(File.ReadAllText(_store.Layout.StateDir + "/build-times.json"))!.AsObject();
        var last = TimeSpan.FromSeconds(times["tool"]!.GetValue<double>());
        Assert.True(last >= TimeSpan.FromSeconds(1), $"recorded {last}"); // the build slept a second
        Assert.True(times.ContainsKey("zz-other"));

        // Another version of the same package: its last build gives the estimate.
        var second = new Recorder();
        await builder.BuildAsync([Script("tool", "sleep 1; echo changed > $out")], second);

        Assert.NotEmpty(second.Estimates);
        Assert.All(second.Estimates, e => Assert.InRange(e, TimeSpan.Zero, last));

        // Unchanged: skipped at once, nothing to wait for.
        var third = new Recorder();
        await builder.BuildAsync([Script("tool", "sleep 1; echo changed > $out")], third);

        Assert.Equal(["start tool 1/1", "skipped tool"], third.Events);
        Assert.Empty(third.Estimates);
    }
}
