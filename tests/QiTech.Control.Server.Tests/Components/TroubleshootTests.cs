using Bunit;
using QiTech.Control.Server.Components.Pages;
using QiTech.Control.Server.Tests.Support;

namespace QiTech.Control.Server.Tests.Components;

public sealed class TroubleshootTests : PageTest
{
    [Fact]
    public void Restart_a_service_after_confirmation()
    {
        var page = Render<Troubleshoot>();
        page.WaitForAssertion(() => page.Find("tr[data-service='qitech-machine.service'] button"));

        page.Find("tr[data-service='qitech-machine.service'] button").Click();
        Assert.Contains("Restart qitech-machine.service?", page.Find("[role=dialog]").TextContent);
        page.FindAll("[role=dialog] button").Single(b => b.TextContent == "Restart").Click();

        Assert.Contains("restart qitech-machine.service", Daemon.Calls);
        page.WaitForAssertion(() => Assert.Equal("qitech-machine.service was restarted.", page.Find("[role=status].notice").TextContent));
    }

    [Fact]
    public async Task The_log_of_a_chosen_service_is_shown_and_followed()
    {
        Daemon.LogLines.AddRange(["started", "listening on 127.0.0.1:3001"]);
        var page = Render<Troubleshoot>();
        page.WaitForAssertion(() => page.Find("button[data-unit='qitech-control-server.service']"));
        Assert.True(page.Find("#follow").HasAttribute("disabled"));

        page.Find("button[data-unit='qitech-control-server.service']").Click();
        page.WaitForAssertion(() => Assert.Equal("started\nlistening on 127.0.0.1:3001", page.Find("#service-log").TextContent));

        page.Find("#follow").Click();
        await Daemon.AppendFollowedLineAsync("GET /health 200");
        page.WaitForAssertion(() => Assert.EndsWith("GET /health 200", page.Find("#service-log").TextContent));
        Assert.Equal("Stop following", page.Find("#follow").TextContent);
        Assert.Contains("follow qitech-control-server.service", Daemon.Calls);
    }

    [Fact]
    public void Reboot_asks_first()
    {
        var page = Render<Troubleshoot>();
        page.WaitForAssertion(() => page.Find("#reboot"));

        page.Find("#reboot").Click();
        page.FindAll("[role=dialog] button").Single(b => b.TextContent == "Cancel").Click();
        Assert.DoesNotContain("reboot", Daemon.Calls);

        page.Find("#reboot").Click();
        page.FindAll("[role=dialog] button").Single(b => b.TextContent == "Reboot").Click();
        Assert.Contains("reboot", Daemon.Calls);
    }

    [Fact]
    public void An_unreachable_daemon_is_reported()
    {
        Daemon.Failure = Unreachable();

        var page = Render<Troubleshoot>();

        page.WaitForAssertion(() => Assert.Contains("does not answer", page.Find("[role=alert]").TextContent));
    }
}
