using System.Text.RegularExpressions;
using Microsoft.Playwright;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Activation;
using QiTech.Os.Client;
using static Microsoft.Playwright.Assertions;

namespace QiTech.Control.Server.Tests.EndToEnd;

/// <summary>
/// Cancel through an update's activation and health wait, and installing from a USB stick,
/// through the browser on the real daemon and server: no Cancel while the activation proper
/// runs, Cancel during the health wait rolls back; a bundle on the stick is listed with its
/// version, signer and changelog and installs; a tampered one is listed refused with why, and
/// installing it anyway is refused with nothing changed.
/// One test, since each step changes the machine the next one looks at.
/// </summary>
public sealed class BundleFlowTests(BundleMachineFixture fixture) : IClassFixture<BundleMachineFixture>
{
    [Fact]
    public async Task Cancel_waits_out_the_activation_and_a_bundle_from_a_usb_stick_installs_while_a_tampered_one_is_refused()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            await page.GotoAsync(fixture.BaseUrl + "/setup/update");
            await MachineFixture.FillUntilEnabledAsync(page.Locator("#source-url"), fixture.Repository.Path, page.Locator("#save-url"));
            await page.Locator("#save-url").ClickAsync();
            await InstallAsync(page, "v1.0.0");
            await Expect(page.Locator("#result")).ToContainTextAsync("Now running v1.0.0 (generation 1).");

            // v2.0.0: while v1.0.0's service takes its seconds to stop, no Cancel; in the health wait, Cancel rolls back.
            await page.GotoAsync(fixture.BaseUrl + "/setup/update");
            await InstallAsync(page, "v2.0.0");
            await Expect(page.Locator("#no-cancel")).ToBeVisibleAsync();
            await Expect(page.Locator("#cancel")).ToHaveCountAsync(0);
            await Expect(page.Locator(".steps li.step-running")).ToContainTextAsync("activate");
            await Expect(page.Locator(".steps li.step-running")).ToContainTextAsync("check qitech-machine.service");
            await Expect(page.Locator("#no-cancel")).ToHaveCountAsync(0);
            await MachineFixture.ScreenshotAsync(page, "progress-health-wait-cancel");
            await page.Locator("#cancel").ClickAsync();
            await Expect(page.Locator("#rollback-title")).ToHaveTextAsync("Cancelled: version v2.0.0 (generation 2) was stopped; version v1.0.0 (generation 1) is running again");
            Assert.Equal("v1.0.0", (await fixture.Client.StatusAsync()).Current!.Version.Abbreviation);

            // A stick with v3.0.0 and a tampered copy of it, one folder deep.
            var stick = Path.Combine(fixture.Machine.Root, "media", "usb");
            var good = Path.Combine(stick, "update-v3.qitech-bundle");
            await BundleMaker.FromTagAsync(fixture.Repository, "v3.0.0", fixture.Key, Path.Combine(fixture.Machine.Dir, "build"), good);
            BundleMaker.Tamper(good, "v3.0.0", Path.Combine(stick, "old", "tampered.qitech-bundle"));
            var generations = (await fixture.Client.GenerationsAsync()).Select(g => g.Number.Value).ToList();

            await page.GotoAsync(fixture.BaseUrl + "/setup/update");
            var listed = page.Locator("#usb button.target[data-file='/media/usb/update-v3.qitech-bundle']");
            var tampered = page.Locator("#usb button.target[data-file='/media/usb/old/tampered.qitech-bundle']");
            await Expect(listed).ToContainTextAsync("v3.0.0");
            await Expect(listed).ToContainTextAsync("signed by usb-1");
            await Expect(tampered).ToBeDisabledAsync();
            await Expect(tampered).ToContainTextAsync("Cannot be installed: its signature by 'usb-1' does not match its manifest (tampered)");
            var refused = await Assert.ThrowsAsync<DaemonException>(() => fixture.Client.InstallBundleAsync("/media/usb/old/tampered.qitech-bundle", ActivationMode.Switch));
            Assert.Equal(400, refused.Status);
            Assert.Equal("/media/usb/old/tampered.qitech-bundle: its signature by 'usb-1' does not match its manifest (tampered); nothing was changed", refused.Message);
            Assert.Equal(generations, (await fixture.Client.GenerationsAsync()).Select(g => g.Number.Value));

            await listed.ClickAsync();
            await Expect(page.Locator("#bundle-changelog")).ToContainTextAsync("- the machine greets from the USB stick");
            await page.Locator("#usb").ScrollIntoViewIfNeededAsync();
            await MachineFixture.ScreenshotAsync(page, "update-usb-selected");
            await page.Locator("#install-bundle").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/setup/update/progress/[0-9]+$"));
            await Expect(page.Locator("h1")).ToHaveTextAsync("Installing from USB");
            await Expect(page.Locator("#result")).ToContainTextAsync("Now running v3.0.0 (generation 3).");
            await Expect(page.Locator("#job-log")).ToContainTextAsync("signed by 'usb-1'");
            await MachineFixture.ScreenshotAsync(page, "progress-usb-done");
            var status = await fixture.Client.StatusAsync();
            Assert.Equal(("v3.0.0", fixture.Repository.CommitOf("v3.0.0")), (status.Current!.Version.Abbreviation, status.Current.Version.Commit));
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            await MachineFixture.ScreenshotAsync(page, "failure-bundle-flow");
            throw new InvalidOperationException($"{e.Message}\n{fixture.Output}", e);
        }
    }

    /// <summary>Selects a tag, installs it now and waits for the progress page.</summary>
    private static async Task InstallAsync(IPage page, string tag)
    {
        await page.Locator($"#targets button.target[data-ref='{tag}']").ClickAsync();
        await Expect(page.Locator("#changelog")).ToBeVisibleAsync();
        await page.Locator("#install").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/setup/update/progress/[0-9]+\\?ref=[^&]+&mode=switch$"));
    }
}
