using Bunit;
using QiTech.Control.Server.Components.Pages;
using QiTech.Control.Server.Daemon;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Contract;
using QiTech.Os.Generations;

namespace QiTech.Control.Server.Tests.Components;

public sealed class HomeTests : PageTest
{
    [Fact]
    public void Shows_the_running_version_generation_and_services()
    {
        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Equal("v1.2.0", page.Find("#current-abbreviation").TextContent));
        Assert.Equal("3", page.Find("#current-generation").TextContent);
        Assert.Contains("QITECH_OS_GIT_COMMIT", page.Find("#running-version").TextContent);
        Assert.Equal("3333333333333333333333333333333333333333", page.Find(".version-commit").TextContent);
        var rows = page.FindAll("#services tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("running", rows[0].TextContent);
        Assert.Contains("1 h 2 min", rows[0].TextContent);
        Assert.Contains("failed", rows[1].TextContent);
        Assert.Empty(page.FindAll("#boot-default-differs"));
    }

    [Fact]
    public void The_running_version_names_the_ref_it_was_installed_from_and_its_commit()
    {
        Daemon.Generations[2] = Daemon.Generations[2] with { Origin = new OriginJson("feature/x", "3333333333333333333333333333333333333333") };

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Equal("feature/x = v1.2.0 (3333333)", page.Find("#current-abbreviation").TextContent));
    }

    [Fact]
    public void Says_which_generation_boots_next_when_it_is_not_the_running_one()
    {
        Daemon.Generations[2] = Daemon.Generations[2] with { BootDefault = false };
        Daemon.Generations[1] = Daemon.Generations[1] with { BootDefault = true };

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Contains("generation 2 (v1.1.0) starts", page.Find("#boot-default-differs").TextContent));
    }

    [Fact]
    public void An_unreachable_daemon_is_reported_and_can_be_retried()
    {
        Daemon.Failure = Unreachable();

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Contains("does not answer", page.Find("[role=alert]").TextContent));
        Daemon.Failure = null;
        page.Find("[role=alert] button").Click();
        page.WaitForAssertion(() => Assert.Equal("v1.2.0", page.Find("#current-abbreviation").TextContent));
    }

    [Fact]
    public void A_machine_without_generations_says_so()
    {
        Daemon.Generations.Clear();

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Contains("No generation is active yet", page.Find("#running-version").TextContent));
    }

    [Fact]
    public void A_fallen_back_boot_and_a_newer_failed_generation_are_marked()
    {
        Daemon.Generations.Add(FakeDaemon.Generation(4, "v1.3.0", "4444444444444444444444444444444444444444") with { Failure = "qitech-control-server.service: not healthy within 60 s" });
        Daemon.Fallback = new BootFallbackJson(new GenerationNumber(4), new GenerationNumber(3), "generation 4 did not become healthy in 3 boots");

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Equal(
            "This boot fell back from generation 4 to generation 3: generation 4 did not become healthy in 3 boots", page.Find("#boot-fallback").TextContent.Trim()));
        page.WaitForAssertion(() => Assert.Contains("Version v1.3.0 (generation 4) did not start correctly;", page.Find("#failed-generation").TextContent));
        Assert.Contains("qitech-control-server.service: not healthy within 60 s", page.Find("#failed-generation").TextContent);
    }

    [Fact]
    public void A_daemon_that_refused_is_not_said_to_be_silent()
    {
        Daemon.Failure = new QiTech.Os.Client.DaemonException(403, "peer uid 1000 is not in group qitech-os", title: "Forbidden");

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Equal("The system daemon refused", page.Find("[role=alert] strong").TextContent));
        Assert.Equal("peer uid 1000 is not in group qitech-os", page.Find("[role=alert] .cause").TextContent);
        Assert.DoesNotContain("answer", page.Find("[role=alert]").TextContent);
    }

    [Fact]
    public void A_daemon_that_did_not_answer_is_said_to_be_silent()
    {
        Daemon.Failure = Unreachable();

        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Equal("The system daemon did not answer", page.Find("[role=alert] strong").TextContent));
    }
}
