using QiTech.Os.Activation;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Generations;
using QiTech.Os.Health;
using QiTech.Os.Jobs;
using QiTech.Os.Services;
using QiTech.Os.Sources;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Contract;

/// <summary>
/// Every endpoint of the real daemon (embedded, on a temporary root) called through the one
/// contract: requests written and answers read by its records, job results read by their kind.
/// </summary>
public sealed class DaemonEndpointsTests : IDisposable
{
    private readonly SystemRoot _root = new();
    private readonly TempDir _repo = new("qitech-repo");
    private readonly HashSet<DaemonEndpoint> _called = [];

    public void Dispose()
    {
        foreach (var pid in RootProcesses.Of(_root.Root))
        {
            Platform.Posix.Kill(pid, Platform.Posix.SIGKILL);
        }
        _root.Dispose();
        _repo.Dispose();
    }

    private static Dictionary<string, string> Units(string label) => new()
    {
        ["app.service"] = "[Service]\nExecStart=/bin/sh -c 'echo \"$QITECH_OS_GIT_ABBREVIATION running\"; exec sleep 1000'\n"
            + $"Environment=LABEL={label}\n[Install]\nWantedBy=multi-user.target\n",
    };

    private T Called<T>(DaemonEndpoint endpoint, T answer)
    {
        _called.Add(endpoint);
        return answer;
    }

    private async Task<JobJson> Job(DaemonClient client, int jobId)
    {
        _called.Add(DaemonEndpoints.JobEvents);
        _called.Add(DaemonEndpoints.Job);
        return await client.WaitForJobAsync(jobId, null);
    }

    [Fact]
    public async Task Every_endpoint_answers_through_the_contract()
    {
        var (v1, v2, v3) = (_root.AddSystem("v1", Units("v1")), _root.AddSystem("v2", Units("v2")), _root.AddSystem("v3", Units("v3")));
        var (p1, p2, p3) = (_root.StorePathOf(v1), _root.StorePathOf(v2), _root.StorePathOf(v3));
        _root.Ok("switch", "--system", v1);
        var repo = new GitFixture(_repo.Combine("machine"));
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();

        var status = Called(DaemonEndpoints.Status, await client.StatusAsync());
        Assert.Equal((1, p1, p1, true), (status.Current!.Number.Value, status.CurrentSystem, status.BootedSystem, status.Embedded));
        Assert.Equal((p1, "v1"), (status.Current.StorePath, status.Current.Version.Abbreviation));

        var plan = Called(DaemonEndpoints.Activate, await client.PlanAsync(p2, null));
        Assert.Equal(["app.service"], plan.Restart);

        var switched = await Job(client, await client.ActivateAsync(ActivationMode.Switch, p2, null));
        var activation = client.Json.Activation(switched)!;
        Assert.Equal((JobKind.Switch, JobState.Succeeded), (switched.Kind, switched.State));
        Assert.Equal((ActivationMode.Switch, p2, new GenerationNumber(2), true), (activation.Mode, activation.System, activation.Generation, activation.ServicesManaged));
        Assert.Equal(["app.service"], activation.Restarted);

        var rollback = await Job(client, Called(DaemonEndpoints.Rollback, await client.RollbackAsync(ActivationMode.Switch)));
        Assert.Equal((JobKind.Rollback, p1), (rollback.Kind, client.Json.Activation(rollback)!.System));

        var generations = Called(DaemonEndpoints.Generations, await client.GenerationsAsync());
        Assert.Equal([(1, p1, true), (2, p2, false)], generations.Select(g => (g.Number.Value, g.StorePath, g.Current)));
        Assert.All(generations, g => Assert.NotNull(g.DiskCostBytes));

        var deleted = Called(DaemonEndpoints.DeleteGeneration, await client.DeleteGenerationAsync(new GenerationNumber(2)));
        Assert.Equal([new GenerationNumber(2)], deleted.Deleted);

        var boot = await Job(client, await client.ActivateAsync(ActivationMode.Boot, p3, null));
        // Numbers continue after the newest that exists: 2 again.
        Assert.Equal((JobKind.Boot, new GenerationNumber(2)), (boot.Kind, client.Json.Activation(boot)!.Generation));
        var once = await Job(client, await client.BootOnceAsync(new GenerationNumber(1)));
        Assert.Equal((JobKind.BootOnce, new OneShotBootJson(new GenerationNumber(1), new GenerationNumber(2), client.Json.BootOnce(once)!.BootLoader)),
            (once.Kind, client.Json.BootOnce(once)));

        var kept = Called(DaemonEndpoints.DeleteGenerations, await client.DeleteGenerationsAsync("+1"));
        Assert.Equal((0, new GenerationNumber(1)), (kept.Deleted.Count, kept.Kept.Single().Number));
        Assert.StartsWith("is the current generation", kept.Kept.Single().Reason);

        var gc = await Job(client, Called(DaemonEndpoints.Gc, await client.CollectGarbageAsync(dryRun: false)));
        Assert.Contains(p2, client.Json.Gc(gc)!.Deleted);

        var log = Called(DaemonEndpoints.Logs, await client.LogsAsync("app", 1));
        Assert.EndsWith(" running\n", log);
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await foreach (var line in client.FollowLogsAsync("app.service", 1, stop.Token))
            {
                Assert.EndsWith(" running", line);
                break;
            }
        }

        var restarted = Called(DaemonEndpoints.RestartService, await client.RestartServiceAsync("app"));
        Assert.Equal(("app.service", ServiceState.Running), (restarted!.Name, restarted.State));

        var reboot = await Job(client, Called(DaemonEndpoints.Reboot, await client.RebootAsync()));
        Assert.Equal((JobKind.Reboot, p1), (reboot.Kind, client.Json.Reboot(reboot)!.System));

        var source = Called(DaemonEndpoints.SetSource, await client.SetUpdateSourceAsync(repo.Path));
        Assert.Equal(new SourceJson(repo.Path, false), source);
        // A token belongs to an https source; for this local one the daemon refuses it, as a typed problem.
        var refused = await Assert.ThrowsAsync<DaemonException>(() => client.SetUpdateTokenAsync("secret-token"));
        _called.Add(DaemonEndpoints.SetToken);
        Assert.Equal(400, refused.Status);
        Assert.False(Called(DaemonEndpoints.Source, await client.UpdateSourceAsync()).HasToken);
        await client.ClearUpdateTokenAsync();
        _called.Add(DaemonEndpoints.ClearToken);
        Assert.False((await client.UpdateSourceAsync()).HasToken);

        var targets = Called(DaemonEndpoints.Targets, await client.UpdateTargetsAsync());
        Assert.Contains(new TargetJson(UpdateTargetKind.Tag, "v1.1", repo.Rev("v1.1"), new DateTimeOffset(2024, 1, 3, 10, 0, 0, TimeSpan.Zero), "server 1.1", false, false), targets);
        var changelog = Called(DaemonEndpoints.Changelog, await client.ChangelogAsync("v1.1"));
        Assert.Equal("v1.1", changelog.Ref);

        var update = await Job(client, Called(DaemonEndpoints.Install, await client.InstallUpdateAsync("no-such-tag", ActivationMode.Switch)));
        Assert.Equal((JobKind.Update, JobState.Failed, 2, null), (update.Kind, update.State, update.ExitCode, client.Json.Update(update)));
        Assert.StartsWith("ref 'no-such-tag' is no tag, branch or commit of ", update.Error);
        var ended = await Assert.ThrowsAsync<DaemonException>(() => client.CancelJobAsync(update.Id));
        _called.Add(DaemonEndpoints.CancelJob);
        Assert.Equal((409, $"job {update.Id} has already ended (failed)"), (ended.Status, ended.Message));

        // No medium is mounted under this root: nothing listed, and a path that is no listed bundle is refused before a job starts.
        Assert.Empty(Called(DaemonEndpoints.Bundles, await client.BundlesAsync()));
        var unlisted = await Assert.ThrowsAsync<DaemonException>(() => client.InstallBundleAsync("/media/usb/x.qitech-bundle", ActivationMode.Switch));
        _called.Add(DaemonEndpoints.InstallBundle);
        Assert.Equal((400, "file: '/media/usb/x.qitech-bundle' is no .qitech-bundle file on removable media"), (unlisted.Status, unlisted.Message));

        var jobs = Called(DaemonEndpoints.Jobs, await client.JobsAsync());
        Assert.Equal(
            [JobKind.Switch, JobKind.Rollback, JobKind.DeleteGenerations, JobKind.Boot, JobKind.BootOnce, JobKind.DeleteGenerations, JobKind.Gc, JobKind.Restart, JobKind.Reboot, JobKind.Update],
            jobs.Select(j => j.Kind));
        Assert.Equal(kept.Kept, client.Json.Deletion(jobs[5])!.Kept);
        Assert.Equal(ServiceState.Running, client.Json.Restart(jobs[7])!.State);

        Assert.Equal(DaemonEndpoints.All.Select(e => e.ToString()).Order(), _called.Select(e => e.ToString()).Order());
    }
}
