using Bunit;
using QiTech.Control.Server.Components.Pages;
using QiTech.Control.Server.Daemon;
using QiTech.Control.Server.Tests.Support;

namespace QiTech.Control.Server.Tests.Components;

public sealed class UpdateTests : PageTest
{
    [Fact]
    public void Lists_targets_with_dates_and_marks_the_running_and_older_ones()
    {
        var page = Render<Update>();

        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("button.target").Count));
        var v100 = page.Find("button.target[data-ref='v1.0.0']");
        Assert.Contains("older than running", v100.TextContent);
        Assert.Contains("2026-11-01 09:00 UTC", v100.TextContent);
        Assert.Contains("running", page.Find("button.target[data-ref='v1.2.0']").TextContent);
        Assert.DoesNotContain("older", page.Find("button.target[data-ref='v1.3.0']").TextContent);
        Assert.Equal("https://git.example/qitech/machine.git", page.Find("#source-url").GetAttribute("value"));
    }

    [Fact]
    public void The_filter_and_kind_buttons_narrow_the_list()
    {
        var page = Render<Update>();
        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("button.target").Count));

        page.Find("#filter").Input("v1.");
        Assert.Equal(["v1.3.0", "v1.2.0", "v1.0.0"], page.FindAll("button.target").Select(b => b.GetAttribute("data-ref")));

        page.Find("#filter").Input("");
        page.FindAll(".segmented button").Single(b => b.TextContent == "Branches").Click();
        Assert.Equal(["main"], page.FindAll("button.target").Select(b => b.GetAttribute("data-ref")));

        page.Find("#filter").Input("nothing-like-this");
        Assert.Equal("No version matches.", page.Find("#no-targets").TextContent);
    }

    [Fact]
    public void Selecting_a_target_shows_its_changelog_and_install_starts_the_chosen_mode()
    {
        var page = Render<Update>();
        page.WaitForAssertion(() => page.Find("button.target[data-ref='v1.3.0']"));

        page.Find("button.target[data-ref='v1.3.0']").Click();
        page.WaitForAssertion(() => Assert.Contains("Faster extruder start", page.Find("#changelog").TextContent));
        page.Find("input[type=radio][value=Test]").Change(true);
        page.Find("#install").Click();

        Assert.Contains("install v1.3.0 Test", Daemon.Calls);
        Assert.EndsWith("/setup/update/progress/7", CurrentUri);
    }

    [Fact]
    public void A_commit_is_installed_by_its_hash()
    {
        var page = Render<Update>();
        page.WaitForAssertion(() => page.Find("button.target[data-ref='Fix the winder speed']"));

        page.Find("button.target[data-ref='Fix the winder speed']").Click();
        page.Find("#install").Click();

        Assert.Contains("install 6666666666666666666666666666666666666666 Switch", Daemon.Calls);
    }

    [Fact]
    public void A_running_job_refuses_the_install_and_links_to_it()
    {
        Daemon.StartFailure = new QiTech.Os.Client.DaemonException(409, "job 5 (update) is running", 5, "busy");
        var page = Render<Update>();
        page.WaitForAssertion(() => page.Find("button.target[data-ref='main']"));

        page.Find("button.target[data-ref='main']").Click();
        page.Find("#install").Click();

        Assert.Contains("job 5 (update) is running", page.Find("#selected [role=alert]").TextContent);
        Assert.Equal("/setup/update/progress/5", page.Find("#selected a.button").GetAttribute("href"));
    }

    [Fact]
    public void The_token_is_write_only_set_then_cleared()
    {
        const string secret = "ghp_secretTokenValue123";
        var page = Render<Update>();
        page.WaitForAssertion(() => Assert.Equal("No token is set.", page.Find("#token-state").TextContent));
        Assert.True(page.Find("#clear-token").HasAttribute("disabled"));

        page.Find("#token").Input(secret);
        page.Find("#set-token").Click();

        Assert.Equal(secret, Daemon.StoredToken);
        page.WaitForAssertion(() => Assert.Equal("A token is set. It is never shown again.", page.Find("#token-state").TextContent));
        Assert.DoesNotContain(secret, page.Markup);
        Assert.True(string.IsNullOrEmpty(page.Find("#token").GetAttribute("value")));

        page.Find("#clear-token").Click();
        Assert.Null(Daemon.StoredToken);
        page.WaitForAssertion(() => Assert.Equal("No token is set.", page.Find("#token-state").TextContent));
    }

    [Fact]
    public void Saving_a_new_url_lists_its_targets_anew()
    {
        var page = Render<Update>();
        page.WaitForAssertion(() => page.Find("button.target"));

        page.Find("#source-url").Input("https://git.example/other.git");
        page.Find("#save-url").Click();

        Assert.Contains("set-url https://git.example/other.git", Daemon.Calls);
        Assert.Equal(2, Daemon.Calls.Count(c => c == "targets"));
        page.WaitForAssertion(() => Assert.Equal("The URL is saved.", page.Find("#source [role=status]").TextContent));
    }

    [Fact]
    public void Saving_a_url_on_another_host_says_the_token_was_cleared()
    {
        var page = Render<Update>();
        page.WaitForAssertion(() => page.Find("#token-state"));
        page.Find("#token").Input("ghp_secretTokenValue123");
        page.Find("#set-token").Click();
        page.WaitForAssertion(() => Assert.Equal("A token is set. It is never shown again.", page.Find("#token-state").TextContent));

        page.Find("#source-url").Input("https://elsewhere.example/machine.git");
        page.Find("#save-url").Click();

        page.WaitForAssertion(() => Assert.Equal("The URL is saved. The token was cleared: it belonged to another host.", page.Find("#source [role=status]").TextContent));
        Assert.Equal("No token is set.", page.Find("#token-state").TextContent);
        Assert.Null(Daemon.StoredToken);
    }

    [Fact]
    public void An_unreachable_daemon_is_reported_in_each_section()
    {
        Daemon.Failure = Unreachable();

        var page = Render<Update>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[role=alert]").Count));
        Assert.All(page.FindAll("[role=alert]"), a => Assert.Contains("does not answer", a.TextContent));
    }
}
