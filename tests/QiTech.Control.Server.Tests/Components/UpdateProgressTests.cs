using Bunit;
using QiTech.Control.Server.Components.Pages;
using QiTech.Control.Server.Daemon;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Contract;
using QiTech.Os.Generations;
using QiTech.Os.Jobs;

namespace QiTech.Control.Server.Tests.Components;

public sealed class UpdateProgressTests : PageTest
{
    // The daemon lists a step when it starts; the page adds the update's steps still to come.
    private static readonly JobStepJson[] Building =
    [
        new("fetch", JobState.Succeeded, 100),
        new("evaluate configuration", JobState.Succeeded, 100),
        new("build packages", JobState.Running, 50),
    ];

    [Fact]
    public async Task A_running_job_shows_its_steps_progress_and_live_log()
    {
        Daemon.AddJob(7, JobState.Running, null, Building);

        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));

        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("li.step").Count));
        Assert.Equal("50", page.Find("#progress-bar").GetAttribute("value"));
        Assert.Contains("✓", page.Find("li.step-succeeded").TextContent);
        Assert.Contains("50 %", page.Find("li.step-running").TextContent);
        Assert.Equal("Update progress", page.Find("h1").TextContent);

        await Daemon.SendEventAsync(7, new LogEvent("building qitech-machine"));
        await Daemon.SendEventAsync(7, new LogEvent("linking"));
        page.WaitForAssertion(() => Assert.Equal("building qitech-machine\nlinking", page.Find("#job-log").TextContent));
    }

    [Fact]
    public void A_running_update_shows_the_steps_still_to_come_and_the_time_left()
    {
        Daemon.AddJob(7, JobState.Running, null,
            new JobStepJson("fetch", JobState.Succeeded, 100),
            new JobStepJson("evaluate configuration", JobState.Succeeded, 100),
            new JobStepJson("build packages", JobState.Running, 40, 150));

        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));

        page.WaitForAssertion(() => Assert.Equal(
            ["fetch", "evaluate configuration", "build packages", "build system", "activate"],
            page.FindAll("li.step .name").Select(e => e.TextContent)));
        Assert.Equal(2, page.FindAll("li.step-pending").Count);
        Assert.Equal("48", page.Find("#progress-bar").GetAttribute("value"));
        Assert.Equal("about 2 min 30 s left", page.Find("#time-left").TextContent);
    }

    [Fact]
    public async Task Step_events_refresh_the_steps_and_done_shows_the_new_version()
    {
        Daemon.AddJob(7, JobState.Running, null, Building);
        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#cancel")));

        Daemon.Generations[2] = Daemon.Generations[2] with { Current = false, BootDefault = false };
        Daemon.Generations.Add(FakeDaemon.Generation(4, "v1.3.0", "4444444444444444444444444444444444444444", current: true, bootDefault: true));
        Daemon.AddJob(7, JobState.Succeeded, null, [.. Building.Select(s => s with { State = JobState.Succeeded })]);
        await Daemon.SendEventAsync(7, new DoneEvent(JobState.Succeeded, null));

        page.WaitForAssertion(() => Assert.Equal("v1.3.0", page.Find("#result-version").TextContent));
        Assert.Equal("100", page.Find("#progress-bar").GetAttribute("value"));
        Assert.Empty(page.FindAll("#cancel"));
    }

    [Fact]
    public void Cancel_asks_the_daemon_to_cancel_the_job()
    {
        Daemon.AddJob(7, JobState.Running, null, Building);
        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));
        page.WaitForAssertion(() => page.Find("#cancel"));

        page.Find("#cancel").Click();

        Assert.Contains("cancel 7", Daemon.Calls);
        Assert.Equal("Cancelling…", page.Find("#cancel").TextContent);
    }

    [Fact]
    public void A_failed_job_shows_the_cause_and_that_the_previous_version_keeps_running()
    {
        Daemon.AddJob(7, JobState.Failed, "build: qitech-machine failed: exit code 1 (see the log)",
            new JobStepJson("fetch", JobState.Succeeded, 100), new JobStepJson("build", JobState.Failed, 30));

        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));

        page.WaitForAssertion(() => Assert.Equal("build: qitech-machine failed: exit code 1 (see the log)", page.Find("#failure-cause").TextContent));
        Assert.Contains("The previous version keeps running: v1.2.0 (generation 3).", page.Find("#result").TextContent);
        Assert.Empty(page.FindAll("#cancel"));
    }

    [Fact]
    public void A_cancelled_job_says_nothing_changed()
    {
        Daemon.AddJob(7, JobState.Cancelled, null, new JobStepJson("build", JobState.Cancelled, 20));

        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));

        page.WaitForAssertion(() => Assert.Contains("Nothing was changed.", page.Find("#result").TextContent));
        Assert.Contains("previous version keeps running", page.Find("#result").TextContent);
    }

    [Fact]
    public void A_job_the_daemon_forgot_is_reported()
    {
        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 99));

        page.WaitForAssertion(() => Assert.Contains("Job 99 is not known", page.Find("#job-unknown").TextContent));
    }

    [Fact]
    public void Losing_the_daemon_shows_a_notice_and_recovers_to_the_final_result()
    {
        Daemon.Failure = Unreachable();

        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));
        page.WaitForAssertion(() => Assert.Contains("does not answer", page.Find("[role=alert]").TextContent));

        Daemon.AddJob(7, JobState.Succeeded, null, new JobStepJson("activate", JobState.Succeeded, 100));
        Daemon.Failure = null;
        Daemon.EndEvents(7);
        page.WaitForAssertion(() => Assert.Equal("v1.2.0", page.Find("#result-version").TextContent), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Reboot_after_success_asks_first()
    {
        Daemon.AddJob(7, JobState.Succeeded, null, new JobStepJson("activate", JobState.Succeeded, 100));
        Daemon.EndEvents(7);
        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));
        page.WaitForAssertion(() => page.Find("#reboot"));

        page.Find("#reboot").Click();
        Assert.DoesNotContain("reboot", Daemon.Calls);
        page.FindAll("[role=dialog] button").Single(b => b.TextContent == "Reboot").Click();

        Assert.Contains("reboot", Daemon.Calls);
    }

    [Fact]
    public void A_version_that_did_not_start_correctly_says_what_runs_again_why_and_where_the_log_is()
    {
        const string Unit = "qitech-control-server.service";
        Daemon.AddJob(7, JobState.Failed, "version v1.3.0 (generation 4) did not start correctly; version v1.2.0 (generation 3) is running again: ...",
            new("activate", JobState.Succeeded, 100), new("check " + Unit, JobState.Failed, null), new("roll back to v1.2.0", JobState.Succeeded, null));
        Daemon.Rollbacks[7] = new RollbackJson(
            "version v1.3.0 (generation 4) did not start correctly; version v1.2.0 (generation 3) is running again",
            Unit + ": GET http://127.0.0.1:3001/health answered 500 Internal Server Error", Unit, ["starting", "database locked"],
            new VersionRefJson(FakeDaemon.Generation(4, "v1.3.0", "4").StorePath, new GenerationNumber(4), "v1.3.0"),
            new VersionRefJson(FakeDaemon.Generation(3, "v1.2.0", "3").StorePath, new GenerationNumber(3), "v1.2.0"),
            new GenerationNumber(3), Cancelled: false);

        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));

        page.WaitForAssertion(() => Assert.Equal(
            "Version v1.3.0 (generation 4) did not start correctly; version v1.2.0 (generation 3) is running again", page.Find("#rollback-title").TextContent));
        Assert.Equal(Unit + ": GET http://127.0.0.1:3001/health answered 500 Internal Server Error", page.Find("#failure-cause").TextContent);
        Assert.Equal("starting\ndatabase locked", page.Find("#failure-log").TextContent);
        Assert.Equal("/troubleshoot?unit=qitech-control-server.service", page.Find("#failure-logs").GetAttribute("href"));
        Assert.Equal(["activate", "check " + Unit, "roll back to v1.2.0"], page.FindAll("li.step .name").Select(e => e.TextContent));
        Assert.Single(page.FindAll("li.step-failed"));
    }
}
