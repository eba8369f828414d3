using QiTech.Os.Config.Modules;
using QiTech.Os.Services;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Config;

/// <summary>The kiosk's on-screen keyboard: the server's own (asked for in the URL), a program beside the browser, or none.</summary>
public sealed class KioskKeyboardTests : IDisposable
{
    private const string Kiosk = "users:\n  users:\n    qitech: { isNormalUser: true }\nkiosk:\n  enable: true\n";

    private readonly ConfigFiles config = new();

    [Theory]
    [InlineData("", "exec /usr/bin/chromium", "'file:///etc/qitech/kiosk-start.html#http://localhost:3001/?keyboard=on'")]
    [InlineData("  url: http://localhost:3001/setup/update?theme=dark#top\n", "exec /usr/bin/chromium", "'file:///etc/qitech/kiosk-start.html#http://localhost:3001/setup/update?theme=dark&keyboard=on#top'")]
    [InlineData("  onScreenKeyboard: { enable: false }\n", "exec /usr/bin/chromium", "'file:///etc/qitech/kiosk-start.html#http://localhost:3001/'")]
    [InlineData("  onScreenKeyboard: { program: /usr/bin/wvkbd-mobintl }\n", "/usr/bin/wvkbd-mobintl & exec /usr/bin/chromium", "'file:///etc/qitech/kiosk-start.html#http://localhost:3001/'")]
    public void The_kiosk_url_asks_for_the_in_page_keyboard_only_when_it_is_the_keyboard(string kiosk, string session, string url)
    {
        config.Write("main.yaml", Kiosk + kiosk);
        var unit = UnitFileParser.Parse("qitech-kiosk.service", config.Render().ReadText("etc/systemd/system/qitech-kiosk.service")!, "qitech-kiosk.service");

        var command = Assert.Single(unit.ExecStart).CommandLine;
        Assert.Contains(session, command, StringComparison.Ordinal);
        Assert.EndsWith(" " + url + "\"", command, StringComparison.Ordinal);
    }

    [Fact]
    public void The_kiosk_opens_a_local_start_page_that_waits_for_its_target()
    {
        config.Write("main.yaml", Kiosk);
        var page = config.Render().ReadText("etc/" + KioskStartPage.EtcPath)!;

        Assert.Contains("location.replace(target)", page, StringComparison.Ordinal);
        Assert.Contains("QiTech Control is starting", page, StringComparison.Ordinal);
    }

    public void Dispose() => config.Dispose();
}
