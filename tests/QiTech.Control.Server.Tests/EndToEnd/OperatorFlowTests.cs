using System.Text.RegularExpressions;
using Microsoft.Playwright;
using QiTech.Control.Server.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace QiTech.Control.Server.Tests.EndToEnd;

/// <summary>
/// The operator's way through the real UI on the real daemon: see what runs, roll back,
/// delete the newer generation, read a service's log. One test, since each step changes
/// the machine the next one looks at.
/// </summary>
[Collection(MachineCollection.Name)]
public sealed class OperatorFlowTests(MachineFixture fixture)
{
    [Fact]
    public async Task Home_rollback_delete_and_troubleshoot_work_on_the_real_daemon()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            // Home: the running version as the generation declares it, and its service.
            await page.GotoAsync(fixture.BaseUrl + "/");
            await Expect(page.Locator("#current-abbreviation")).ToHaveTextAsync("v2.0.0");
            await Expect(page.Locator("#current-generation")).ToHaveTextAsync("2");
            await Expect(page.Locator(".version-commit")).ToHaveTextAsync(MachineRoot.CommitOf("v2.0.0"));
            await Expect(page.Locator("tr[data-service='qitech-machine.service'] .state")).ToHaveTextAsync("running");
            await MachineFixture.ScreenshotAsync(page, "home");

            // Generations: both, the newest current; roll back through the progress page.
            await page.GetByRole(AriaRole.Link, new() { Name = "Generations" }).ClickAsync();
            await Expect(page.Locator("tr[data-generation]")).ToHaveCountAsync(2);
            await Expect(page.Locator("tr[data-generation='2']")).ToContainTextAsync("current");
            await MachineFixture.ScreenshotAsync(page, "generations");
            await page.Locator("#rollback").ClickAsync();
            await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("(1, v1.0.0)");
            await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/setup/update/progress/[0-9]+$"));
            await Expect(page.Locator("#result")).ToContainTextAsync("Rolled back. Now running generation 1 (v1.0.0).");
            await Expect(page.Locator("#progress-bar")).ToHaveAttributeAsync("value", "100");
            await MachineFixture.ScreenshotAsync(page, "progress-rollback-done");

            // The server restarts (as when a switch starts the new generation's server): the
            // page waits, reloads itself and shows the job's result again.
            var progressUrl = page.Url;
            // Notes whether a reloaded page ever shows "Loading…" instead of the state it last knew.
            await page.AddInitScriptAsync("""
                new MutationObserver(() => { if (document.querySelector('p.loading')) sessionStorage.setItem('sawLoading', '1'); })
                    .observe(document, { subtree: true, childList: true });
                """);
            await page.EvaluateAsync("() => { window.beforeRestart = true; }");
            await fixture.RestartServerAsync();
            await page.WaitForFunctionAsync("() => window.beforeRestart === undefined");
            Assert.Equal(progressUrl, page.Url);
            await Expect(page.Locator("#result")).ToContainTextAsync("Rolled back. Now running generation 1 (v1.0.0).");
            await Expect(page.Locator("#connection-banner")).ToBeHiddenAsync();
            Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('sawLoading')"));

            await page.GetByRole(AriaRole.Link, new() { Name = "Home", Exact = true }).First.ClickAsync();
            await Expect(page.Locator("#current-abbreviation")).ToHaveTextAsync("v1.0.0");

            // Delete the newer generation, which no longer runs, after confirming.
            await page.GetByRole(AriaRole.Link, new() { Name = "Generations" }).ClickAsync();
            await Expect(page.Locator("tr[data-generation='1']")).ToContainTextAsync("current");
            await page.Locator("tr[data-generation='2'] [data-action=delete]").ClickAsync();
            await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Delete generation 2?");
            await MachineFixture.ScreenshotAsync(page, "generations-confirm-delete");
            await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await Expect(page.Locator("tr[data-generation]")).ToHaveCountAsync(1);
            Assert.Single(await fixture.Daemon.GetGenerationsAsync(default));

            // Troubleshoot: the service's log says which version started.
            await page.GetByRole(AriaRole.Link, new() { Name = "Troubleshoot" }).ClickAsync();
            await page.Locator("button[data-unit='qitech-machine.service']").ClickAsync();
            await Expect(page.Locator("#service-log")).ToContainTextAsync("machine v1.0.0 started");
            await page.Locator("#follow").ClickAsync();
            await Expect(page.Locator("#follow")).ToHaveTextAsync("Stop following");
            await MachineFixture.ScreenshotAsync(page, "troubleshoot");

            // Update: the source and the versions the daemon offers, or why it cannot.
            await page.GetByRole(AriaRole.Link, new() { Name = "Update" }).ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("Update");
            await Expect(page.Locator("#targets button.target, #targets [role=alert]").First).ToBeVisibleAsync();
            await Expect(page.Locator("#blazor-error-ui")).ToHaveCountAsync(0);
            await MachineFixture.ScreenshotAsync(page, "update");
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            await MachineFixture.ScreenshotAsync(page, "failure-operator-flow");
            throw new InvalidOperationException($"{e.Message}\n--- server ---\n{fixture.ServerOutput}\n--- daemon ---\n{fixture.DaemonOutput}", e);
        }
    }
}
