using Bunit;
using Microsoft.Extensions.DependencyInjection;
using QiTech.Control.Server.Components.Pages;
using QiTech.Control.Server.Components.Updates;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Sources;

namespace QiTech.Control.Server.Tests.Components;

/// <summary>Home tells when the source has a newer tagged version than the running one.</summary>
public sealed class NewerVersionTests : PageTest
{
    [Fact]
    public void Home_names_the_newest_tag_after_the_running_version_and_links_to_it()
    {
        var page = Render<Home>();

        page.WaitForAssertion(() => Assert.Equal("v1.3.0", page.Find("#newer-version-name").TextContent));
        Assert.Equal("/setup/update?ref=v1.3.0", page.Find("#newer-version a").GetAttribute("href"));
        Assert.Contains("targets 0", Daemon.Calls);
    }

    [Fact]
    public void Nothing_is_said_when_the_running_version_is_the_newest_or_the_source_cannot_be_asked()
    {
        Daemon.Targets.RemoveAll(t => t.Name == "v1.3.0");
        var page = Render<Home>();
        page.WaitForAssertion(() => Assert.Contains("targets 0", Daemon.Calls));
        Assert.Empty(page.FindAll("#newer-version"));

        Assert.Null(NewerVersions.Newest(
            [FakeDaemon.Target(UpdateTargetKind.Tag, "-v9", "9999999999999999999999999999999999999999", "2027-01-01T00:00:00+00:00", false, "'-v9' starts with '-'")],
            Daemon.Generations[2].Version));
    }

    [Fact]
    public void The_update_page_opened_from_home_shows_that_version_at_once()
    {
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("/setup/update?ref=v1.3.0");

        var page = Render<Update>();

        page.WaitForAssertion(() => Assert.Equal("v1.3.0", page.Find("#selected h2").TextContent));
        Assert.Contains("Faster extruder start", page.Find("#changelog").TextContent);
    }
}
