using Bunit;
using QiTech.Control.Server.Components.Pages;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Contract;

namespace QiTech.Control.Server.Tests.Components;

/// <summary>The Update page's "Install from USB" card over the daemon's bundle list.</summary>
public sealed class UpdateBundleTests : PageTest
{
    private static readonly MediaBundleJson Good = new("/media/usb/update-1.4.qitech-bundle", 48_234_496, "v1.4.0", "4444444444444444444444444444444444444444",
        "2026-11-20T10:00:00+00:00", "usb-1", "# Changelog\n\n## 1.4.0\n- Faster extruder start\n", "/qitech/store/aaaa-system", null);

    private static readonly MediaBundleJson Tampered = new("/media/usb/old/tampered.qitech-bundle", 1_024, null, null, null, null, null, null,
        "its signature by 'usb-1' does not match its manifest (tampered)");

    [Fact]
    public void Bundles_are_listed_with_version_size_and_signer_and_a_refused_one_is_disabled_with_why()
    {
        Daemon.Bundles.AddRange([Good, Tampered]);

        var page = Render<Update>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#usb button.target").Count));
        var good = page.Find($"#usb button.target[data-file='{Good.File}']");
        Assert.Contains("v1.4.0", good.TextContent);
        Assert.Contains("46 MiB", good.TextContent);
        Assert.Contains("signed by usb-1", good.TextContent);
        Assert.False(good.HasAttribute("disabled"));
        var tampered = page.Find($"#usb button.target[data-file='{Tampered.File}']");
        Assert.True(tampered.HasAttribute("disabled"));
        Assert.Contains("Cannot be installed: its signature by 'usb-1' does not match its manifest (tampered)", tampered.TextContent);
        Assert.Empty(page.FindAll("#install-bundle"));
    }

    [Fact]
    public void Choosing_a_bundle_shows_its_changelog_and_install_goes_to_the_progress_page()
    {
        Daemon.Bundles.Add(Good);
        var page = Render<Update>();
        page.WaitForAssertion(() => page.Find("#usb button.target"));

        page.Find("#usb button.target").Click();

        Assert.Contains("- Faster extruder start", page.Find("#bundle-changelog").TextContent);
        Assert.Contains("signed by usb-1", page.Find("#usb").TextContent);
        page.Find("#install-bundle").Click();
        Assert.Contains($"install bundle {Good.File} Switch", Daemon.Calls);
        Assert.EndsWith("/setup/update/progress/7", CurrentUri, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_stick_the_card_says_how_to_get_one_listed()
    {
        var page = Render<Update>();

        page.WaitForAssertion(() => Assert.StartsWith("No update bundle", page.Find("#no-bundles").TextContent, StringComparison.Ordinal));
        Daemon.Bundles.Add(Good);
        page.Find("#usb-refresh").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("#usb button.target")));
    }
}
