using Bunit;
using Microsoft.Extensions.DependencyInjection;
using QiTech.Control.Server.Components.Pages;
using QiTech.Control.Server.Daemon;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Contract;
using QiTech.Os.Generations;
using QiTech.Os.Health;
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
    public void A_refused_cancel_says_why_and_not_that_contact_was_lost()
    {
        Daemon.AddJob(7, JobState.Running, null, Building);
        Daemon.CancelRefusal = "version v1.3.0 (generation 4) is being activated; it can't be cancelled now — it will finish or roll back by itself";
        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));
        page.WaitForAssertion(() => page.Find("#cancel"));

        page.Find("#cancel").Click();

        page.WaitForAssertion(() => Assert.Equal($"The cancel was refused: {Daemon.CancelRefusal}", page.Find("#cancel-refused").TextContent));
        Assert.Empty(page.FindAll("#reconnecting"));
        Assert.Equal("Cancel", page.Find("#cancel").TextContent);
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

    [Fact]
    public async Task A_two_package_build_shows_the_package_in_hand_says_estimating_instead_of_zero_and_never_moves_back()
    {
        var started = DateTimeOffset.UtcNow.AddMinutes(-3);
        JobStepJson[] Build(int percent, int? secondsLeft, JobPart part) =>
        [
            new("fetch", JobState.Succeeded, 100, null, started, started.AddSeconds(2)),
            new("evaluate configuration", JobState.Succeeded, 100, null, started.AddSeconds(2), started.AddSeconds(3)),
            new("build packages", JobState.Running, percent, secondsLeft, started.AddSeconds(3), null, part),
        ];
        Daemon.AddJob(7, JobState.Running, null, Build(45, 80, new JobPart(1, 2, "greeter", 20)));
        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));
        page.WaitForAssertion(() => Assert.Equal("Package 1 of 2: greeter · about 20 s left by its last build", page.Find("#part").TextContent.Trim()));
        Assert.Equal("about 1 min 20 s left", page.Find("#time-left").TextContent);
        Assert.Equal("49", page.Find("#progress-bar").GetAttribute("value"));
        Assert.Equal("2 s", page.Find("li[data-step='fetch'] .elapsed").TextContent);

        // The second package takes longer than last time: no "0 s left", and the bar holds.
        Daemon.AddJob(7, JobState.Running, null, Build(97, null, new JobPart(2, 2, "slow", null)));
        await Daemon.SendEventAsync(7, new ProgressEvent("build packages", 97, null, new JobPart(2, 2, "slow", null)));
        page.WaitForAssertion(() => Assert.Contains("Package 2 of 2: slow", page.Find("#part").TextContent));
        Assert.Equal("estimating the time left", page.Find("#time-left").TextContent);
        Assert.DoesNotContain("0 s left", page.Find("#progress").TextContent);
        Assert.Equal("59", page.Find("#progress-bar").GetAttribute("value"));

        // A daemon answer that would compute less (a step's percent reset) does not move the bar back.
        Daemon.AddJob(7, JobState.Running, null, Build(10, null, new JobPart(2, 2, "slow", null)));
        await Daemon.SendEventAsync(7, new ProgressEvent("build packages", 10, null, new JobPart(2, 2, "slow", null)));
        page.WaitForAssertion(() => Assert.Contains("10 %", page.Find("li.step-running").TextContent));
        Assert.Equal("59", page.Find("#progress-bar").GetAttribute("value"));
    }

    [Fact]
    public async Task A_cancel_freezes_the_bar_where_it_stopped_and_shows_the_remaining_steps_as_not_run()
    {
        Daemon.AddJob(7, JobState.Running, null, Building);
        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));
        page.WaitForAssertion(() => Assert.Equal("50", page.Find("#progress-bar").GetAttribute("value")));

        Daemon.AddJob(7, JobState.Cancelled, null, [.. Building[..2], Building[2] with { State = JobState.Cancelled }]);
        await Daemon.SendEventAsync(7, new DoneEvent(JobState.Cancelled, null));

        page.WaitForAssertion(() => Assert.Contains("Cancelled", page.Find("#result").TextContent));
        Assert.Equal("50", page.Find("#progress-bar").GetAttribute("value"));
        Assert.Equal(["build system", "activate"], page.FindAll("li.step-not-run .name").Select(e => e.TextContent));
        Assert.All(page.FindAll("li.step-not-run .state"), e => Assert.Equal("not run", e.TextContent));
    }

    [Fact]
    public void A_failed_update_keeps_its_progress_shows_every_step_and_offers_to_try_again()
    {
        Daemon.AddJob(7, JobState.Failed, "update source /srv/machine.git: no git repository there",
            new JobStepJson("fetch", JobState.Failed, 40));

        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo("/setup/update/progress/7?ref=v1.3.0&mode=boot");
        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));

        page.WaitForAssertion(() => Assert.Equal("8", page.Find("#progress-bar").GetAttribute("value")));
        Assert.Equal(5, page.FindAll("li.step").Count);
        Assert.Equal(4, page.FindAll("li.step-not-run").Count);
        page.Find("#try-again").Click();
        Assert.Contains("install v1.3.0 Boot", Daemon.Calls);
        Assert.EndsWith("/setup/update/progress/7?ref=v1.3.0&mode=boot", CurrentUri, StringComparison.Ordinal);
    }

    [Fact]
    public void From_activation_on_an_update_cannot_be_cancelled_and_says_why()
    {
        Daemon.AddJob(7, JobState.Running, null, [.. Building.Select(s => s with { State = JobState.Succeeded }),
            new JobStepJson("build system", JobState.Succeeded, 100), new JobStepJson("activate", JobState.Running, 10)]);

        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));

        page.WaitForAssertion(() => Assert.Contains("cannot be cancelled now", page.Find("#no-cancel").TextContent));
        Assert.Empty(page.FindAll("#cancel"));
    }

    [Fact]
    public void During_the_health_wait_an_update_can_be_cancelled_again_but_not_while_it_rolls_back()
    {
        JobStepJson[] activated = [.. Building.Select(s => s with { State = JobState.Succeeded }),
            new JobStepJson("build system", JobState.Succeeded, 100), new JobStepJson("activate", JobState.Succeeded, 100)];
        Daemon.AddJob(7, JobState.Running, null, [.. activated, new JobStepJson("check qitech-machine.service", JobState.Running, null)]);
        Daemon.AddJob(8, JobState.Running, null, [.. activated, new JobStepJson("check qitech-machine.service", JobState.Failed, null),
            new JobStepJson("roll back to v1.0.0", JobState.Succeeded, null), new JobStepJson("check qitech-machine.service", JobState.Running, null)]);

        var checking = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));
        var rollingBack = Render<UpdateProgress>(p => p.Add(x => x.JobId, 8));

        checking.WaitForAssertion(() => Assert.Equal("Cancel", checking.Find("#cancel").TextContent));
        Assert.Empty(checking.FindAll("#no-cancel"));
        rollingBack.WaitForAssertion(() => Assert.NotNull(rollingBack.Find("#no-cancel")));
        Assert.Empty(rollingBack.FindAll("#cancel"));
    }

    [Fact]
    public void A_branch_whose_commit_carries_a_tag_is_shown_by_both_names()
    {
        Daemon.AddJob(7, JobState.Succeeded, null, new JobStepJson("activate", JobState.Succeeded, 100));
        Daemon.Updates[7] = new UpdateJson("feature/x", "3333333333333333333333333333333333333333", "v1.2.0", "https://git.example/qitech/machine.git",
            FakeDaemon.Generation(3, "v1.2.0", "3").StorePath, null!);
        Daemon.EndEvents(7);

        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));

        page.WaitForAssertion(() => Assert.Equal("feature/x = v1.2.0", page.Find("#result-version").TextContent));
    }

    [Fact]
    public async Task The_build_tool_s_workload_notice_stays_in_the_log_and_is_explained_above_it()
    {
        const string Line = "server> Workload updates are available. Run `dotnet workload list` for more information. Run `dotnet workload update` to update.";
        Daemon.AddJob(7, JobState.Running, null, Building);
        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));
        page.WaitForAssertion(() => page.Find("#cancel"));

        await Daemon.SendEventAsync(7, new LogEvent(Line));

        page.WaitForAssertion(() => Assert.Equal(Line, page.Find("#job-log").TextContent));
        Assert.Contains("does not affect this update", page.Find(".log-note").TextContent);
    }

    [Fact]
    public void A_failed_update_names_its_cause_in_words()
    {
        Daemon.AddJob(7, JobState.Failed, "ref 'v9' is no tag, branch or commit of /srv/machine.git", new JobStepJson("fetch", JobState.Failed, null));

        var page = Render<UpdateProgress>(p => p.Add(x => x.JobId, 7));

        page.WaitForAssertion(() => Assert.Equal(
            "There is no version called 'v9' in /srv/machine.git: no tag, branch or commit has that name. Check the spelling, or load more commits.",
            page.Find("#failure-cause").TextContent));
    }
}
