using Bunit;
using QiTech.Control.Server.Components.Pages;
using QiTech.Control.Server.Tests.Support;

namespace QiTech.Control.Server.Tests.Components;

public sealed class GenerationsTests : PageTest
{
    [Fact]
    public void Lists_generations_newest_first_with_their_marks()
    {
        var page = Render<Generations>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("tr[data-generation]").Count));
        var rows = page.FindAll("tr[data-generation]");
        Assert.Equal(["3", "2", "1"], rows.Select(r => r.GetAttribute("data-generation")));
        Assert.Contains("current", rows[0].TextContent);
        Assert.Contains("booted", rows[0].TextContent);
        Assert.Contains("boot default", rows[0].TextContent);
        Assert.Contains("v1.1.0", rows[1].TextContent);
        Assert.Contains("2222222222", rows[1].TextContent);
        Assert.Contains("2026-11-02 10:00 UTC", rows[1].TextContent);
        Assert.True(rows[0].QuerySelector("[data-action=delete]")!.HasAttribute("disabled"));
        Assert.True(rows[0].QuerySelector("[data-action=switch]")!.HasAttribute("disabled"));
        Assert.False(rows[1].QuerySelector("[data-action=delete]")!.HasAttribute("disabled"));
    }

    [Fact]
    public void A_generation_an_update_installed_shows_the_chosen_ref_and_its_commit_the_others_their_version()
    {
        Daemon.Generations[1] = Daemon.Generations[1] with { Origin = new QiTech.Os.Contract.OriginJson("feature/x", "2222222222222222222222222222222222222222") };

        var page = Render<Generations>();

        page.WaitForAssertion(() => Assert.Equal("feature/x = v1.1.0 (2222222)", page.Find("tr[data-generation='2'] td.version").TextContent));
        Assert.Equal("v1.0.0", page.Find("tr[data-generation='1'] td.version").TextContent);
    }

    [Fact]
    public void Sizes_say_what_deleting_frees_and_generations_in_use_free_nothing()
    {
        var page = Render<Generations>();
        page.WaitForAssertion(() => page.Find("tr[data-generation='3']"));

        Assert.Contains(page.FindAll("th"), th => th.TextContent == "Space freed if deleted");
        Assert.DoesNotContain(page.FindAll("th"), th => th.TextContent == "Size");
        Assert.Equal("– (in use)", page.Find("tr[data-generation='3'] td.freed").TextContent);
        Assert.Equal("2 MiB", page.Find("tr[data-generation='2'] td.freed").TextContent);
    }

    [Fact]
    public void Delete_happens_only_after_confirmation()
    {
        var page = Render<Generations>();
        page.WaitForAssertion(() => page.Find("tr[data-generation='2']"));

        page.Find("tr[data-generation='2'] [data-action=delete]").Click();
        Assert.Contains("Delete generation 2?", page.Find("[role=dialog]").TextContent);
        page.FindAll("[role=dialog] button").Single(b => b.TextContent == "Cancel").Click();
        Assert.DoesNotContain("delete 2", Daemon.Calls);
        Assert.Empty(page.FindAll("[role=dialog]"));

        page.Find("tr[data-generation='2'] [data-action=delete]").Click();
        page.FindAll("[role=dialog] button").Single(b => b.TextContent == "Delete").Click();

        Assert.Contains("delete 2", Daemon.Calls);
        page.WaitForAssertion(() => Assert.Equal(["3", "1"], page.FindAll("tr[data-generation]").Select(r => r.GetAttribute("data-generation"))));
    }

    [Fact]
    public void Delete_all_old_deletes_every_generation_not_in_use()
    {
        var page = Render<Generations>();
        page.WaitForAssertion(() => page.Find("#delete-old"));

        page.Find("#delete-old").Click();
        // The versions by name, not only their numbers.
        Assert.Equal(
            ["version v1.0.0 (generation 1, installed 2026-11-01 10:00 UTC)", "version v1.1.0 (generation 2, installed 2026-11-02 10:00 UTC)"],
            page.FindAll("#delete-old-list li").Select(li => li.TextContent));
        Assert.Contains("This frees 3 MiB of disk space.", page.Find("[role=dialog]").TextContent);
        page.FindAll("[role=dialog] button").Single(b => b.TextContent == "Delete all old").Click();

        Assert.Equal(["delete 1", "delete 2"], Daemon.Calls.Where(c => c.StartsWith("delete ", StringComparison.Ordinal)));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tr[data-generation]")));
        Assert.True(page.Find("#delete-old").HasAttribute("disabled"));
    }

    [Fact]
    public void Switch_make_boot_default_and_roll_back_start_jobs_and_show_their_progress()
    {
        var page = Render<Generations>();
        page.WaitForAssertion(() => page.Find("tr[data-generation='1']"));

        page.Find("tr[data-generation='1'] [data-action=switch]").Click();
        page.FindAll("[role=dialog] button").Single(b => b.TextContent == "Switch").Click();
        Assert.Contains("activate 1 Switch", Daemon.Calls);
        Assert.EndsWith("/setup/update/progress/7", CurrentUri);

        page.Find("tr[data-generation='2'] [data-action=boot]").Click();
        page.FindAll("[role=dialog] button").Single(b => b.TextContent == "Make boot default").Click();
        Assert.Contains("activate 2 Boot", Daemon.Calls);

        page.Find("#rollback").Click();
        Assert.Contains("generation (2, v1.1.0)", page.Find("[role=dialog]").TextContent);
        page.FindAll("[role=dialog] button").Single(b => b.TextContent == "Roll back").Click();
        Assert.Contains("rollback Switch", Daemon.Calls);
        Assert.EndsWith("/setup/update/progress/9", CurrentUri);
    }

    [Fact]
    public void A_refused_delete_shows_the_daemons_reason()
    {
        Daemon.Generations[1] = Daemon.Generations[1] with { Booted = false };
        var page = Render<Generations>();
        page.WaitForAssertion(() => page.Find("tr[data-generation='2']"));
        // The daemon knows better than the list: generation 2 became booted meanwhile.
        Daemon.Generations[1] = Daemon.Generations[1] with { Booted = true };

        page.Find("tr[data-generation='2'] [data-action=delete]").Click();
        page.FindAll("[role=dialog] button").Single(b => b.TextContent == "Delete").Click();

        page.WaitForAssertion(() => Assert.Contains(
            "Version v1.1.0 (generation 2, installed 2026-11-02 10:00 UTC) was not deleted: generation 2: is current, booted or the boot default",
            page.Find("[role=alert]").TextContent));
        // It answered: the title says it refused, not that it was silent.
        Assert.Equal("The system daemon refused", page.Find("[role=alert] strong").TextContent);
    }

    [Fact]
    public void A_failed_generation_and_the_generation_a_boot_fell_back_to_are_marked()
    {
        Daemon.Generations.Add(FakeDaemon.Generation(4, "v1.3.0", "4444444444444444444444444444444444444444") with { Failure = "qitech-control-server.service: not healthy within 60 s" });
        Daemon.Generations[2] = Daemon.Generations[2] with { KnownGood = true };
        Daemon.Fallback = new QiTech.Os.Contract.BootFallbackJson(new QiTech.Os.Generations.GenerationNumber(4), new QiTech.Os.Generations.GenerationNumber(3), "generation 4 did not become healthy in 3 boots");

        var page = Render<Generations>();

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("tr[data-generation]").Count));
        var failed = page.Find("tr[data-generation='4'] .badge.failed");
        Assert.Equal("did not start correctly", failed.TextContent);
        Assert.Equal("qitech-control-server.service: not healthy within 60 s", failed.GetAttribute("title"));
        Assert.Contains("failed", page.Find("tr[data-generation='4']").ClassList);
        Assert.Equal("fallen back to", page.Find("tr[data-generation='3'] .badge.fallback").TextContent);
        Assert.Equal("known good", page.Find("tr[data-generation='3'] .badge.known-good").TextContent);
        Assert.Contains("This boot fell back from generation 4 to generation 3", page.Find("#boot-fallback").TextContent);
    }
}
