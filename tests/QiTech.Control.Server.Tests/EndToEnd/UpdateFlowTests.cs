using System.Text.RegularExpressions;
using Microsoft.Playwright;
using QiTech.Control.Server.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace QiTech.Control.Server.Tests.EndToEnd;

/// <summary>
/// Updates from git through the browser, on the real daemon and server: choose the source,
/// install a tag and land on it, cancel an update mid-build and install another, roll back,
/// delete a generation, set a token that never comes back and stays with its host; the login
/// page of remote access.
/// One test, since each step changes the machine the next one looks at.
/// </summary>
public sealed class UpdateFlowTests(UpdateMachineFixture fixture) : IClassFixture<UpdateMachineFixture>
{
    private const string Token = "qt_ui_s3cret_9c41e07b2d";

    [Fact]
    public async Task An_operator_installs_cancels_rolls_back_and_deletes_through_the_browser()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            // Update: the repository becomes the source; its tags appear.
            await page.GotoAsync(fixture.BaseUrl + "/setup/update");
            await MachineFixture.FillUntilEnabledAsync(page.Locator("#source-url"), fixture.Repository.Path, page.Locator("#save-url"));
            await page.Locator("#save-url").ClickAsync();
            await Expect(page.Locator("#targets button.target[data-ref='v3.0.0']")).ToBeVisibleAsync();
            await Expect(page.Locator("#targets button.target[data-ref='v1.0.0']")).ToBeVisibleAsync();
            await Expect(page.Locator("#targets button.target[data-ref='main']")).ToContainTextAsync("branch");

            // Install v1.0.0 now: the progress page follows the steps to the result.
            await InstallAsync(page, "v1.0.0", "update-v1-selected");
            await Expect(page.Locator("#result")).ToContainTextAsync("Now running v1.0.0 (generation 1).");
            await Expect(page.Locator("#progress-bar")).ToHaveAttributeAsync("value", "100");
            await Expect(page.Locator("#job-log")).ToContainTextAsync("updating to v1.0.0");
            await MachineFixture.ScreenshotAsync(page, "progress-update-done");
            await ExpectHomeAsync(page, "v1.0.0", 1);

            // v3.0.0 builds for minutes: cancel while it builds; v1.0.0 keeps running.
            await page.GotoAsync(fixture.BaseUrl + "/setup/update");
            await page.Locator("#targets button.target[data-ref='v3.0.0']").ClickAsync();
            await page.Locator("#install").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/setup/update/progress/[0-9]+\\?ref=[^&]+&mode=switch$"));
            await Expect(page.Locator(".steps li.step-running")).ToContainTextAsync("build packages");
            await Expect(page.Locator("#job-log")).ToContainTextAsync("compiling for a long time");
            await MachineFixture.ScreenshotAsync(page, "progress-update-building");
            await page.Locator("#cancel").ClickAsync();
            await Expect(page.Locator("#result")).ToContainTextAsync("Cancelled");
            await Expect(page.Locator("#result")).ToContainTextAsync("The previous version keeps running: v1.0.0 (generation 1).");
            await MachineFixture.ScreenshotAsync(page, "progress-update-cancelled");
            await ExpectHomeAsync(page, "v1.0.0", 1);

            // Install again, another version: v2.0.0 builds its package in the sandbox.
            await page.GotoAsync(fixture.BaseUrl + "/setup/update");
            await InstallAsync(page, "v2.0.0", "update-v2-selected");
            await Expect(page.Locator("#result")).ToContainTextAsync("Now running v2.0.0 (generation 2).");
            await Expect(page.Locator("#job-log")).ToContainTextAsync("compiling the greeter");
            await ExpectHomeAsync(page, "v2.0.0", 2);
            await MachineFixture.ScreenshotAsync(page, "home-after-update");

            // Roll back to v1.0.0, then delete generation 2 after confirming.
            await page.GetByRole(AriaRole.Link, new() { Name = "Generations" }).ClickAsync();
            await Expect(page.Locator("tr[data-generation]")).ToHaveCountAsync(2);
            await page.Locator("#rollback").ClickAsync();
            await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();
            await Expect(page.Locator("#result")).ToContainTextAsync("Rolled back. Now running generation 1 (v1.0.0).");
            await ExpectHomeAsync(page, "v1.0.0", 1);
            await page.GetByRole(AriaRole.Link, new() { Name = "Generations" }).ClickAsync();
            await page.Locator("tr[data-generation='2'] [data-action=delete]").ClickAsync();
            await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Delete generation 2?");
            await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await Expect(page.Locator("tr[data-generation]")).ToHaveCountAsync(1);
            await Expect(page.Locator("#generations-done")).ToHaveTextAsync("Generation 2 is deleted. Now running generation 1 (v1.0.0).");
            await MachineFixture.ScreenshotAsync(page, "generations-after-rollback-and-delete");
            Assert.Equal([1], (await fixture.Client.GenerationsAsync()).Select(g => g.Number.Value));

            // A private-repository token: only for an https source (a local one needs none), set,
            // acknowledged, never shown or answered again, and cleared when the source moves elsewhere.
            await page.GetByRole(AriaRole.Link, new() { Name = "Update" }).ClickAsync();
            await MachineFixture.FillUntilEnabledAsync(page.Locator("#token"), Token, page.Locator("#set-token"));
            await page.Locator("#set-token").ClickAsync();
            await Expect(page.Locator("#source [role=alert]")).ToContainTextAsync("a token is only used with an https:// source; this one needs none");
            await Expect(page.Locator("#token-state")).ToHaveTextAsync("No token is set.");
            // Nothing listens on port 1: refused with git's reason, nothing saved.
            await MachineFixture.FillUntilEnabledAsync(page.Locator("#source-url"), "https://127.0.0.1:1/machine.git", page.Locator("#save-url"));
            await page.Locator("#save-url").ClickAsync();
            await Expect(page.Locator("#source [role=alert]")).ToContainTextAsync(new Regex(
                "Nothing was saved: the source https://127.0.0.1:1/machine.git could not be reached. Check the address and the network. Git says: .*127.0.0.1"));
            Assert.Equal(fixture.Repository.Path, (await fixture.Client.UpdateSourceAsync()).Url);
            // A private https repository answers, asking for credentials: saved, saying it needs a token.
            var privateUrl = fixture.PrivateHost.BaseUrl + "machine.git";
            await MachineFixture.FillUntilEnabledAsync(page.Locator("#source-url"), privateUrl, page.Locator("#save-url"));
            await page.Locator("#save-url").ClickAsync();
            await Expect(page.Locator("#source [role=status]")).ToHaveTextAsync(new Regex(
                "^The URL is saved. The source " + Regex.Escape(privateUrl) + " refused access. A private repository needs a valid token \\(set it below\\). Git says: "));
            await MachineFixture.FillUntilEnabledAsync(page.Locator("#token"), Token, page.Locator("#set-token"));
            await page.Locator("#set-token").ClickAsync();
            await Expect(page.Locator("#token-state")).ToHaveTextAsync("A token is set. It is never shown again.");
            await Expect(page.Locator("#token")).ToHaveValueAsync("");
            await MachineFixture.ScreenshotAsync(page, "update-token-set");
            await page.ReloadAsync();
            await Expect(page.Locator("#token-state")).ToHaveTextAsync("A token is set. It is never shown again.");
            Assert.DoesNotContain(Token, await page.ContentAsync(), StringComparison.Ordinal);
            using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
            var jobs = await fixture.Client.JobsAsync();
            string[] reads = ["/api/status", "/api/generations", "/api/update/source", "/api/update/targets", "/api/update/changelog?ref=v2.0.0",
                "/api/jobs", .. jobs.Select(j => $"/api/jobs/{j.Id}"), "/api/logs/qitech-machine.service?lines=1000", "/health", "/api/openapi/v1.json"];
            foreach (var path in reads)
            {
                var answer = await http.GetAsync(path);
                // Targets and changelog ask the source, which refuses the token; their errors must not tell the token either.
                Assert.True(answer.IsSuccessStatusCode || path.StartsWith("/api/update/targets", StringComparison.Ordinal)
                    || path.StartsWith("/api/update/changelog", StringComparison.Ordinal), $"{path}: {answer.StatusCode}");
                Assert.DoesNotContain(Token, await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            Assert.Contains("\"hasToken\":true", await http.GetStringAsync("/api/update/source"), StringComparison.Ordinal);
            await MachineFixture.FillUntilEnabledAsync(page.Locator("#source-url"), fixture.Repository.Path, page.Locator("#save-url"));
            await page.Locator("#save-url").ClickAsync();
            await Expect(page.Locator("#source [role=status]")).ToHaveTextAsync("The URL is saved. The token was cleared: it belonged to another host.");
            await Expect(page.Locator("#token-state")).ToHaveTextAsync("No token is set.");
            await Expect(page.Locator("#targets button.target[data-ref='v1.0.0']")).ToBeVisibleAsync();
            Assert.DoesNotContain(Token, fixture.Output, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            await MachineFixture.ScreenshotAsync(page, "failure-update-flow");
            throw new InvalidOperationException($"{e.Message}\n{fixture.Output}", e);
        }
    }

    [Fact]
    public async Task Remote_access_asks_for_the_password_first()
    {
        var (server, httpsUrl) = await fixture.StartRemoteServerAsync();
        using (server)
        {
            var page = await fixture.NewPageAsync(ignoreHttpsErrors: true);
            await page.GotoAsync(httpsUrl + "/login");
            await Expect(page.Locator("input[type=password]")).ToBeVisibleAsync();
            await MachineFixture.ScreenshotAsync(page, "login");
        }
    }

    /// <summary>Selects a tag on the Update page, installs it (switch now) and waits for the progress page.</summary>
    private static async Task InstallAsync(IPage page, string tag, string screenshot)
    {
        await page.Locator($"#targets button.target[data-ref='{tag}']").ClickAsync();
        await Expect(page.Locator("#selected h2")).ToHaveTextAsync(tag);
        await Expect(page.Locator("#changelog")).ToBeVisibleAsync();
        await MachineFixture.ScreenshotAsync(page, screenshot);
        await page.Locator("#install").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/setup/update/progress/[0-9]+\\?ref=[^&]+&mode=switch$"));
    }

    /// <summary>Home names the running version (with the commit the tag it was installed by resolved to), its commit and generation, and its service runs.</summary>
    private async Task ExpectHomeAsync(IPage page, string version, int generation)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Home", Exact = true }).First.ClickAsync();
        await Expect(page.Locator("#current-abbreviation")).ToHaveTextAsync($"{version} ({fixture.Repository.CommitOf(version)[..7]})");
        await Expect(page.Locator("#current-generation")).ToHaveTextAsync(generation.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator(".version-commit")).ToHaveTextAsync(fixture.Repository.CommitOf(version));
        await Expect(page.Locator("tr[data-service='qitech-machine.service'] .state")).ToHaveTextAsync("running");
    }
}
