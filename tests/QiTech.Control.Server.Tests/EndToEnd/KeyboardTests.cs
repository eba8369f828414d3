using Microsoft.Playwright;
using QiTech.Os.Config;
using QiTech.Os.Config.Modules;
using QiTech.Os.Nix;
using static Microsoft.Playwright.Assertions;

namespace QiTech.Control.Server.Tests.EndToEnd;

/// <summary>
/// The in-page keyboard as the kiosk of <c>configuration/machine.yaml</c> gets it (its URL asks
/// for it): it opens under a focused field without covering it and types a URL the page sees.
/// </summary>
[Collection(MachineCollection.Name)]
public sealed class KeyboardTests(MachineFixture fixture)
{
    private const string TypedUrl = "https://Git.example.com:8443/line-2/Machine_v3.git?ref=a~b";

    [Fact]
    public async Task The_kiosk_types_a_url_with_the_on_screen_keyboard()
    {
        var config = ConfigEvaluator.Default.EvaluateFile(RepoFile("configuration/machine.yaml"), new HashingImporter(new StoreDirectory(StoreDirectory.Default))).Config;
        var kioskUrl = new Uri(KioskModule.Url(config));
        Assert.Equal("?keyboard=on", kioskUrl.Query);

        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 800, Height = 480 }, HasTouch = true });
        var page = await context.NewPageAsync();
        try
        {
            // The kiosk's page, on this test's server; the keyboard stays on across pages.
            await page.GotoAsync(fixture.BaseUrl + kioskUrl.PathAndQuery);
            await Expect(page.Locator("#current-abbreviation")).ToBeVisibleAsync();
            await Expect(page.Locator("#osk")).ToBeHiddenAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Update" }).ClickAsync();
            var field = page.Locator("#source-url");
            await Expect(field).ToBeVisibleAsync();
            await Expect(page.Locator(".loading").First).ToHaveCountAsync(0);

            await field.TapAsync();
            var keyboard = page.Locator("#osk");
            await Expect(keyboard).ToBeVisibleAsync();
            var fieldBox = await field.BoundingBoxAsync();
            var keyboardBox = await keyboard.BoundingBoxAsync();
            Assert.True(fieldBox!.Y >= 0 && fieldBox.Y + fieldBox.Height <= keyboardBox!.Y,
                $"the field ({fieldBox.Y}..{fieldBox.Y + fieldBox.Height}) is not above the keyboard (from {keyboardBox!.Y})");

            // Empty the field with the keyboard's backspace: the page sees it (Save needs a URL).
            await field.EvaluateAsync("e => e.select()");
            await keyboard.Locator("[data-key=backspace]").TapAsync();
            await Expect(field).ToHaveValueAsync("");
            await Expect(page.Locator("#save-url")).ToBeDisabledAsync();

            foreach (var ch in TypedUrl)
            {
                await TypeAsync(keyboard, ch);
            }
            await Expect(field).ToHaveValueAsync(TypedUrl);
            await Expect(page.Locator("#save-url")).ToBeEnabledAsync();
            // Still the document's focused element (see below why not ToBeFocused).
            await page.WaitForFunctionAsync("e => e === document.activeElement", await field.ElementHandleAsync());

            // A typo, corrected; then Enter closes the keyboard.
            await TypeAsync(keyboard, 'x');
            await keyboard.Locator("[data-key=backspace]").TapAsync();
            await Expect(field).ToHaveValueAsync(TypedUrl);
            await MachineFixture.ScreenshotAsync(page, "keyboard");
            await keyboard.Locator("[data-key=enter]").TapAsync();
            await Expect(keyboard).ToBeHiddenAsync();
            await Expect(field).ToHaveValueAsync(TypedUrl);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            await MachineFixture.ScreenshotAsync(page, "failure-keyboard");
            throw new InvalidOperationException($"{e.Message}\n--- server ---\n{fixture.ServerOutput}", e);
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_the_kiosk_asking_there_is_no_keyboard()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            await page.GotoAsync(fixture.BaseUrl + "/setup/update");
            await page.Locator("#filter").ClickAsync();
            // The document's focused element: ToBeFocused also wants the page to have the window's
            // focus, which it shares with the other tests' pages open in the same browser at once.
            await page.WaitForFunctionAsync("() => document.activeElement?.id === 'filter'");
            await Expect(page.Locator("#osk")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    /// <summary>Taps the key that types <paramref name="ch"/>: shift for a capital, the other layer for a symbol.</summary>
    private static async Task TypeAsync(ILocator keyboard, char ch)
    {
        var lower = char.ToLowerInvariant(ch);
        var key = keyboard.Locator($"[data-key=\"{(lower == '"' || lower == '\\' ? "\\" + lower : lower.ToString())}\"]:visible").First;
        if (await key.CountAsync() == 0)
        {
            await keyboard.Locator("[data-key=layer]").TapAsync();
        }
        if (char.IsUpper(ch))
        {
            await keyboard.Locator("[data-key=shift]").TapAsync();
        }
        await Expect(key).ToHaveAttributeAsync("data-char", ch.ToString());
        await key.TapAsync();
        if (await keyboard.Locator("[data-key=layer]").TextContentAsync() == "abc")
        {
            await keyboard.Locator("[data-key=layer]").TapAsync();
        }
    }

    private static string RepoFile(string path)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QiTech.Os.slnx")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("no repository above " + AppContext.BaseDirectory), path);
    }
}
