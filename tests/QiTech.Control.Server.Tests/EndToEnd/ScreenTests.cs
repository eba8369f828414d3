using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace QiTech.Control.Server.Tests.EndToEnd;

/// <summary>
/// Every page on the panels machines have (800×480 and 1280×800), in every theme, on the real
/// daemon and server: nothing wider than the screen nor its card (Home's Services table also
/// with a row of the widest values), short values on one line, no missing file.
/// With <c>QITECH_SCREENSHOTS</c> set to a folder, it also writes the screenshots the README shows.
/// </summary>
[Collection(MachineCollection.Name)]
public sealed class ScreenTests(MachineFixture fixture)
{
    public static readonly TheoryData<int, int> Screens = new() { { 800, 480 }, { 1280, 800 } };

    private static readonly string[] Themes = ["light", "dark", "contrast"];

    // Values that are never broken over two lines: a service's state, uptime, PID, restarts; a badge.
    private const string WrappedShortValues = """
        () => [...document.querySelectorAll('td.short, .badge')].filter(e => {
            const tops = new Set();
            const texts = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
            while (texts.nextNode()) {
                const range = document.createRange();
                range.selectNodeContents(texts.currentNode);
                for (const r of range.getClientRects()) tops.add(Math.round(r.top));
            }
            return tops.size > 1;
        }).map(e => e.textContent.trim())
        """;

    // Visible elements whose right edge is off the screen (a Delete button nobody can reach).
    private const string OffScreen = """
        () => [...document.querySelectorAll('button, a, input, td, th, h1, h2, p, pre, li')]
            .filter(e => e.getClientRects().length > 0 && !e.closest('.log-scroll, ul.targets, pre.changelog'))
            .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
            .map(e => e.outerHTML.slice(0, 120))
        """;

    // Table cells that stick out of the card holding them (a column the card cuts off).
    private const string OutOfTheirCard = """
        () => [...document.querySelectorAll('th, td')]
            .filter(e => e.getClientRects().length > 0 && e.closest('.card'))
            .filter(e => e.getBoundingClientRect().right > e.closest('.card').getBoundingClientRect().right + 0.5)
            .map(e => e.outerHTML.slice(0, 120))
        """;

    // Home's Services table with a row of the widest values a service shows beside the real rows
    // (a long name, the longest state, a 7-digit PID, days of uptime, many restarts); false without a real row.
    private const string AddWidestServiceRow = """
        () => {
            const row = document.querySelector('#services tbody tr[data-service]');
            if (!row) return false;
            const wide = row.cloneNode(true);
            wide.dataset.service = 'widest';
            const cells = wide.querySelectorAll('td');
            cells[0].textContent = 'qitech-control-server.service';
            cells[1].querySelector('.state').textContent = 'deactivating';
            cells[2].textContent = '4194304';
            cells[3].textContent = '23 d 23 h';
            cells[4].textContent = '9999';
            row.parentNode.appendChild(wide);
            return true;
        }
        """;

    private IEnumerable<(string Name, string Path)> Pages() =>
    [
        ("home", "/"),
        ("update", "/setup/update"),
        ("update-usb", "/setup/update"),
        ("update-progress", $"/setup/update/progress/{fixture.FirstJobId}"),
        ("generations", "/setup/generations"),
        ("troubleshoot", "/troubleshoot?unit=qitech-machine.service"),
        ("login", "/login"),
    ];

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task Every_page_fits_the_screen_in_every_theme(int width, int height)
    {
        var shots = Environment.GetEnvironmentVariable("QITECH_SCREENSHOTS");
        // Screenshots at half resolution keep the README's pictures small; CSS pixels, and so the layout, stay the same.
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            DeviceScaleFactor = string.IsNullOrEmpty(shots) ? 1 : 0.5f,
        });
        var page = await context.NewPageAsync();
        var failedFiles = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failedFiles.Add($"{response.Status} {response.Url}");
            }
        };
        try
        {
            foreach (var theme in Themes)
            {
                foreach (var (name, path) in Pages())
                {
                    await page.GotoAsync(fixture.BaseUrl + path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "theme=" + theme);
                    await WaitUntilLoadedAsync(page, name);
                    var where = $"{name} at {width}×{height} ({theme})";
                    if (name == "home")
                    {
                        Assert.True(await page.EvaluateAsync<bool>(AddWidestServiceRow), $"{where}: no service row in the Services table");
                    }
                    Assert.Equal(theme, await page.EvaluateAsync<string>("() => document.documentElement.dataset.theme"));
                    var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
                    var innerWidth = await page.EvaluateAsync<int>("() => innerWidth");
                    Assert.True(scrollWidth <= innerWidth, $"{where}: the page is {scrollWidth} px wide, the screen {innerWidth} px");
                    var offScreen = await page.EvaluateAsync<string[]>(OffScreen);
                    Assert.True(offScreen.Length == 0, $"{where}: off the screen: {string.Join(" | ", offScreen)}");
                    var wrapped = await page.EvaluateAsync<string[]>(WrappedShortValues);
                    Assert.True(wrapped.Length == 0, $"{where}: broken over two lines: {string.Join(" | ", wrapped)}");
                    var cut = await page.EvaluateAsync<string[]>(OutOfTheirCard);
                    Assert.True(cut.Length == 0, $"{where}: cut off by its card: {string.Join(" | ", cut)}");
                    // The pictures show the real rows only.
                    await page.EvaluateAsync("() => document.querySelector('tr[data-service=widest]')?.remove()");
                    if (name != "login")
                    {
                        // The menu is one row of touch targets, not two.
                        var header = await page.Locator("header.top").BoundingBoxAsync();
                        Assert.True(header!.Height < 80, $"{where}: the menu is {header.Height} px high");
                    }
                    if (!string.IsNullOrEmpty(shots))
                    {
                        Directory.CreateDirectory(shots);
                        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, $"{name}-{width}-{theme}.png") });
                    }
                }
            }
            Assert.Empty(failedFiles);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            await MachineFixture.ScreenshotAsync(page, $"failure-screen-{width}");
            throw new InvalidOperationException($"{e.Message}\n--- server ---\n{fixture.ServerOutput}", e);
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task An_unknown_address_shows_a_page_saying_so_with_the_way_home(int width, int height)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        try
        {
            var answer = await page.GotoAsync(fixture.BaseUrl + "/setup/no-such-page");

            Assert.Equal(404, answer!.Status);
            await Expect(page.Locator("h1")).ToHaveTextAsync("This page does not exist");
            await Expect(page.Locator("header.top")).ToBeVisibleAsync();
            Assert.Empty(await page.EvaluateAsync<string[]>(OffScreen));
            await page.Locator("#not-found-home").ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("Home");
            Assert.EndsWith("/", page.Url, StringComparison.Ordinal);
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dark_follows_the_system_and_the_operator_can_choose_high_contrast()
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 800, Height = 480 },
            ColorScheme = ColorScheme.Dark,
        });
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync(fixture.BaseUrl + "/setup/generations");
            await Expect(page.Locator("tr[data-generation]").First).ToBeVisibleAsync();
            Assert.Equal("dark", await page.EvaluateAsync<string>("() => document.documentElement.dataset.theme"));
            Assert.True(await LuminanceAsync(page, "body", "background-color") < 0.1, "the dark theme's background is not dark");
            await Expect(page.Locator("#theme")).ToHaveTextAsync("◐ Auto");

            // The system turns light: the page follows without a reload.
            await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Light });
            await page.WaitForFunctionAsync("() => document.documentElement.dataset.theme === 'light'");
            Assert.True(await LuminanceAsync(page, "body", "background-color") > 0.8, "the light theme's background is not light");

            // Auto → Light → Dark → High contrast: kept across a reload.
            for (var i = 0; i < 3; i++)
            {
                await page.Locator("#theme").ClickAsync();
            }
            await Expect(page.Locator("#theme")).ToHaveTextAsync("◐ High contrast");
            await page.ReloadAsync();
            await Expect(page.Locator("tr[data-generation]").First).ToBeVisibleAsync();
            Assert.Equal("contrast", await page.EvaluateAsync<string>("() => document.documentElement.dataset.theme"));
            Assert.Equal(1.0, await LuminanceAsync(page, "body", "background-color"), 2);
            Assert.Equal(0.0, await LuminanceAsync(page, "body", "color"), 2);
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    [InlineData("contrast")]
    public async Task A_disabled_button_does_not_look_like_an_enabled_one(string theme)
    {
        var page = await fixture.NewPageAsync();
        try
        {
            // Both red "danger" buttons: Reboot is always enabled, the current generation's Delete never.
            await page.GotoAsync(fixture.BaseUrl + "/troubleshoot?theme=" + theme);
            var enabled = page.Locator("#reboot");
            await Expect(enabled).ToBeEnabledAsync();
            var enabledLook = await LookAsync(enabled);
            await page.GotoAsync(fixture.BaseUrl + "/setup/generations?theme=" + theme);
            var disabled = page.Locator("tr.current [data-action=delete]");
            await Expect(disabled).ToBeDisabledAsync();
            var disabledLook = await LookAsync(disabled);
            Assert.NotEqual(enabledLook.Background, disabledLook.Background);
            Assert.Equal("solid", enabledLook.BorderStyle);
            Assert.Equal("dashed", disabledLook.BorderStyle);
            Assert.Contains("line-through", disabledLook.Decoration, StringComparison.Ordinal);
            Assert.Equal("1", disabledLook.Opacity);
            // Its background is the page's, not a coloured block.
            Assert.True(Math.Abs(await LuminanceAsync(page, "tr.current [data-action=delete]", "background-color") - await LuminanceAsync(page, "body", "background-color")) < 0.1);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private sealed record Look(string Background, string BorderStyle, string Decoration, string Opacity);

    private static async Task<Look> LookAsync(ILocator button)
    {
        var json = await button.EvaluateAsync<JsonElement>(
            "e => { const s = getComputedStyle(e); return [s.backgroundColor, s.borderTopStyle, s.textDecorationLine, s.opacity]; }");
        return new Look(json[0].GetString()!, json[1].GetString()!, json[2].GetString()!, json[3].GetString()!);
    }

    /// <summary>The relative luminance (0 black, 1 white) of a colour property of the first element matching.</summary>
    private static Task<double> LuminanceAsync(IPage page, string selector, string property) =>
        page.EvaluateAsync<double>("""
            ([selector, property]) => {
                const [r, g, b] = getComputedStyle(document.querySelector(selector))[property].match(/[0-9.]+/g).map(Number)
                    .map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
                return 0.2126 * r + 0.7152 * g + 0.0722 * b;
            }
            """, new[] { selector, property });

    // A page is ready when its heading is there and it no longer says "Loading…".
    private static async Task WaitUntilLoadedAsync(IPage page, string name)
    {
        await Expect(page.Locator("h1").First).ToBeVisibleAsync();
        await Expect(page.Locator(".loading")).ToHaveCountAsync(0);
        if (name == "troubleshoot")
        {
            await Expect(page.Locator("#service-log")).ToContainTextAsync("started");
        }
        if (name == "update-usb")
        {
            // The Install from USB card, a bundle chosen: its changelog and Install button.
            await page.Locator("#usb button.target:not([disabled])").First.ClickAsync();
            await Expect(page.Locator("#bundle-changelog")).ToBeVisibleAsync();
            await page.Locator("#usb").EvaluateAsync("card => card.scrollIntoView({ block: 'start' })");
        }
        if (name == "update-progress")
        {
            await Expect(page.Locator("#result")).ToBeVisibleAsync();
        }
    }
}
