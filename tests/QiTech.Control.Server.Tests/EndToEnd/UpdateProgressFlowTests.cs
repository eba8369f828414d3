using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace QiTech.Control.Server.Tests.EndToEnd;

/// <summary>
/// The update's progress through the browser, on the real daemon and server: a typed commit
/// hash installs; a two-package build shows the package in hand, never "0 s left" while one
/// builds and never a bar that moves back, and a cancel freezes the bar; a branch whose commit
/// carries a tag shows both names, with no escaping artefacts anywhere.
/// One test, since each step changes the machine the next one looks at.
/// </summary>
public sealed class UpdateProgressFlowTests(UpdateProgressMachineFixture fixture) : IClassFixture<UpdateProgressMachineFixture>
{
    // Records every state the progress head shows, so nothing between two looks is missed.
    private const string RecordProgress = """
        () => {
          window.qitechSeen = [];
          const look = () => {
            const bar = document.getElementById('progress-bar');
            const left = document.getElementById('time-left');
            const part = document.getElementById('part');
            if (bar) window.qitechSeen.push({ percent: Number(bar.getAttribute('value')), left: left ? left.textContent : '', part: part ? part.textContent : '' });
          };
          new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
          look();
        }
        """;

    private sealed record Seen(int Percent, string Left, string Part);

    [Fact]
    public async Task Progress_is_honest_through_a_typed_commit_a_slow_second_package_a_cancel_and_a_tagged_branch()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            await page.GotoAsync(fixture.BaseUrl + "/setup/update");
            await MachineFixture.FillUntilEnabledAsync(page.Locator("#source-url"), fixture.Repository.Path, page.Locator("#save-url"));
            await page.Locator("#save-url").ClickAsync();
            await Expect(page.Locator("#source [role=status]")).ToHaveTextAsync("The URL is saved.");

            // A commit typed by its hash is checked, shows its changelog and installs.
            var p1 = fixture.Repository.CommitOf("p1");
            await page.Locator("#filter").FillAsync(p1);
            await page.Locator("#lookup").ClickAsync();
            await Expect(page.Locator("#selected h2")).ToHaveTextAsync(p1);
            await Expect(page.Locator("#changelog")).ToContainTextAsync("machine p1");
            await page.Locator("#install").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/setup/update/progress/[0-9]+\\?ref=" + p1 + "&mode=switch$"));
            await Expect(page.Locator("#result")).ToContainTextAsync($"Now running {p1} = p1 (generation 1).");

            // p2 rebuilds both packages; the second takes far longer than last time.
            await page.GotoAsync(fixture.BaseUrl + "/setup/update");
            await page.Locator("#targets button.target[data-ref='p2']").ClickAsync();
            await Expect(page.Locator("#changelog")).ToBeVisibleAsync();
            await page.Locator("#install").ClickAsync();
            await Expect(page.Locator("#progress-bar")).ToBeVisibleAsync();
            await page.EvaluateAsync(RecordProgress);
            await Expect(page.Locator("#part")).ToContainTextAsync("Package 1 of 2: alpha");
            await Expect(page.Locator("#part")).ToContainTextAsync("Package 2 of 2: beta");
            await Expect(page.Locator("#job-log")).ToContainTextAsync("beta takes longer this time");
            await Expect(page.Locator("#time-left")).ToHaveTextAsync("estimating the time left");
            await Expect(page.Locator("#part")).ToContainTextAsync("estimating");
            await Expect(page.Locator("li[data-step='fetch'] .elapsed")).ToHaveTextAsync(new Regex("^[0-9]+ s$"));
            await MachineFixture.ScreenshotAsync(page, "progress-update-second-package");
            var beforeCancel = await page.Locator("#progress-bar").GetAttributeAsync("value");

            await page.Locator("#cancel").ClickAsync();
            await Expect(page.Locator("#result")).ToContainTextAsync("Cancelled");
            await Expect(page.Locator("#progress-bar")).ToHaveAttributeAsync("value", beforeCancel!);
            await Expect(page.Locator("li.step-not-run")).ToHaveCountAsync(2);
            await Expect(page.Locator("#try-again")).ToBeVisibleAsync();
            await MachineFixture.ScreenshotAsync(page, "progress-update-cancelled-frozen");

            var seen = JsonSerializer.Deserialize<List<Seen>>(await page.EvaluateAsync<JsonElement>("() => window.qitechSeen"),
                new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            Assert.True(seen.Count > 3, $"{seen.Count} states seen");
            Assert.DoesNotContain(seen, s => Regex.IsMatch(s.Left + s.Part, @"(^|\D)0 s left"));
            var percents = seen.Select(s => s.Percent).ToList();
            Assert.True(percents.SequenceEqual(percents.Order()), "the bar moved back: " + string.Join(", ", percents));

            // A branch whose commit carries a tag: both names, and no backslash before '$' in any answer.
            await page.GotoAsync(fixture.BaseUrl + "/setup/update");
            await page.Locator("#targets .segmented button", new() { HasTextString = "Branches" }).ClickAsync();
            await page.Locator("#targets button.target[data-ref='feature/x']").ClickAsync();
            await Expect(page.Locator("#changelog")).ToBeVisibleAsync();
            await page.Locator("#install").ClickAsync();
            await Expect(page.Locator("#result-version")).ToHaveTextAsync("feature/x = rel$1");
            await MachineFixture.ScreenshotAsync(page, "progress-update-branch-and-tag");
            using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
            foreach (var answer in new[] { await http.GetStringAsync("/api/status"), await http.GetStringAsync("/api/generations") })
            {
                Assert.Contains("\"abbreviation\":\"rel$1\"", answer, StringComparison.Ordinal);
                Assert.DoesNotContain("\\\\$", answer, StringComparison.Ordinal);
            }
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            await MachineFixture.ScreenshotAsync(page, "failure-update-progress-flow");
            throw new InvalidOperationException($"{e.Message}\n{fixture.Output}", e);
        }
    }
}
