using Bunit;
using QiTech.Control.Server.Components.Pages;
using QiTech.Control.Server.Daemon;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Sources;

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
        Assert.StartsWith("No listed version matches.", page.Find("#no-targets").TextContent, StringComparison.Ordinal);
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
        Assert.EndsWith("/setup/update/progress/7?ref=v1.3.0&mode=test", CurrentUri, StringComparison.Ordinal);
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
        Daemon.StartFailure = new QiTech.Os.Client.DaemonException(409, "update 5 is running", 5, "busy");
        var page = Render<Update>();
        page.WaitForAssertion(() => page.Find("button.target[data-ref='main']"));

        page.Find("button.target[data-ref='main']").Click();
        page.Find("#install").Click();

        Assert.Contains("Another update (number 5) is still running.", page.Find("#selected [role=alert]").TextContent);
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
        Assert.Equal(2, Daemon.Calls.Count(c => c == "targets 20"));
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

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[role=alert]").Count));
        Assert.All(page.FindAll("[role=alert]"), a => Assert.Contains("does not answer", a.TextContent));
    }

    [Fact]
    public void A_name_the_daemon_would_refuse_is_shown_disabled_with_the_reason()
    {
        Daemon.Targets.Add(FakeDaemon.Target(UpdateTargetKind.Tag, "--upload-pack=x", "4444444444444444444444444444444444444444", "2026-11-20T08:00:00+00:00", false,
            "'--upload-pack=x' starts with '-' (looks like an option)"));
        var page = Render<Update>();

        page.WaitForAssertion(() => page.Find("button.target[data-ref='--upload-pack=x']"));
        var refused = page.Find("button.target[data-ref='--upload-pack=x']");
        Assert.True(refused.HasAttribute("disabled"));
        Assert.Contains("Cannot be installed: it starts with '-', and git would read such a name as an instruction", refused.TextContent);
        Assert.DoesNotContain("looks like an option", refused.TextContent);
    }

    [Fact]
    public void Any_typed_ref_is_checked_shows_its_changelog_and_installs_as_typed()
    {
        Daemon.RefCommits["7777777"] = "7777777777777777777777777777777777777777"; // older than the listed commits
        Daemon.Changelogs["7777777"] = "v0.9 First release";
        Daemon.ChangelogFiles["7777777"] = "CHANGELOG.md";
        var page = Render<Update>();
        page.WaitForAssertion(() => page.Find("button.target"));

        page.Find("#filter").Input("7777777");
        page.Find("#lookup").Click();

        page.WaitForAssertion(() => Assert.Equal("7777777", page.Find("#selected h2").TextContent));
        Assert.Equal("CHANGELOG.md at 7777777", page.Find("#changelog-title").TextContent);
        Assert.Equal("v0.9 First release", page.Find("#changelog").TextContent);
        Assert.Contains("7777777777777777777777777777777777777777", page.Find("#typed-ref").TextContent);
        page.Find("#install").Click();
        Assert.Contains("install 7777777 Switch", Daemon.Calls);
        Assert.EndsWith("/setup/update/progress/7?ref=7777777&mode=switch", CurrentUri, StringComparison.Ordinal);
    }

    [Fact]
    public void A_typed_ref_the_repository_lacks_is_refused_in_words()
    {
        Daemon.UnknownRefs.Add("v9.9");
        var page = Render<Update>();
        page.WaitForAssertion(() => page.Find("button.target"));

        page.Find("#filter").Input("v9.9");
        page.Find("#lookup").Click();

        page.WaitForAssertion(() => Assert.Contains("There is no version called 'v9.9' in https://git.example/qitech/machine.git", page.Find("#targets [role=alert]").TextContent));
        Assert.DoesNotContain(Daemon.Calls, c => c.StartsWith("install", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_more_asks_for_older_commits()
    {
        for (var i = 0; i < 25; i++)
        {
            Daemon.Targets.Add(FakeDaemon.Target(UpdateTargetKind.Commit, $"Commit {i}", $"{i:x2}".PadRight(40, 'a'), "2026-01-01T08:00:00+00:00", true));
        }
        var page = Render<Update>();
        page.WaitForAssertion(() => Assert.Equal(20, page.FindAll("button.target .kind-commit").Count));

        page.Find("#load-more").Click();

        page.WaitForAssertion(() => Assert.Equal(26, page.FindAll("button.target .kind-commit").Count));
        Assert.Contains("targets 70", Daemon.Calls);
        Assert.Empty(page.FindAll("#load-more"));
    }

    [Fact]
    public void A_source_that_fails_its_check_is_not_saved_and_git_s_whole_reason_is_told()
    {
        Daemon.SourceRefusal = "url: update source file:///etc/passwd: no git repository there: '/etc/passwd' does not appear to be a git repository; nothing was saved";
        var page = Render<Update>();
        page.WaitForAssertion(() => page.Find("button.target"));

        page.Find("#source-url").Input("file:///etc/passwd");
        page.Find("#save-url").Click();

        page.WaitForAssertion(() => Assert.Equal(
            "Nothing was saved: there is no git repository at file:///etc/passwd. Git says: '/etc/passwd' does not appear to be a git repository",
            page.Find("#source [role=alert] .cause").TextContent));
        Assert.Empty(page.FindAll("#source [role=status]"));
        Assert.Equal("https://git.example/qitech/machine.git", Daemon.SourceUrl);
        Assert.Equal(1, Daemon.Calls.Count(c => c.StartsWith("targets", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_token_can_be_loaded_from_a_file_and_is_never_shown()
    {
        const string secret = "ghp_fromUsbStick42";
        var page = Render<Update>();
        page.WaitForAssertion(() => page.Find("#token-state"));

        page.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>().UploadFiles(InputFileContent.CreateFromText(secret + "\n", "token.txt"));

        page.WaitForAssertion(() => Assert.Equal("The token from token.txt is set.", page.Find("#source [role=status]").TextContent));
        Assert.Equal(secret, Daemon.StoredToken);
        Assert.DoesNotContain(secret, page.Markup);

        page.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>().UploadFiles(InputFileContent.CreateFromText("one\ntwo\n", "notes.txt"));
        page.WaitForAssertion(() => Assert.Contains("notes.txt is not a token file", page.Find("#source [role=alert]").TextContent));
        Assert.Equal(secret, Daemon.StoredToken);
    }
}
