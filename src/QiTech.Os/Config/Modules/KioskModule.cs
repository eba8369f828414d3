using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>kiosk</c>: the operator's screen, the seed's GNOME autostart simplified. A unit logs the
/// kiosk user in on a virtual terminal (autologin) and runs a Wayland kiosk compositor (cage)
/// showing the browser full-screen on the control server, with the server's in-page on-screen
/// keyboard (or a keyboard program beside it); console blanking, idle actions and sleep are off.
/// </summary>
public sealed class KioskModule : IConfigModule
{
    public const string UnitName = "qitech-kiosk";
    private static readonly OptionPath Kiosk = OptionPath.Parse("kiosk");

    public string Name => "kiosk";

    public void Declare(OptionSet options)
    {
        options.Declare("kiosk.enable", Bool, false, "Show the UI full-screen on the local display at boot.");
        options.Declare("kiosk.user", Matching(UsersModule.NamePattern, "user name"), "qitech", "The normal user (declared in users.users) logged in automatically.");
        options.Declare("kiosk.url", NullOr(Str), null, "The page shown; null: the control server on this machine (http://localhost:<services.qitech.port>).");
        options.Declare("kiosk.tty", IntBetween(1, 12), 1L, "The virtual terminal the kiosk takes over.");
        options.Declare("kiosk.compositor", AbsolutePath, "/usr/bin/cage", "The Wayland kiosk compositor, run as '<compositor> -s -- <session>'.");
        options.Declare("kiosk.browser", AbsolutePath, "/usr/bin/chromium", "The browser, run in kiosk mode.");
        options.Declare("kiosk.browserFlags", ListOf(Matching(@"^--[A-Za-z0-9-]+(=[^\s'""\\`$]*)?$", "browser flag")),
            List("--kiosk", "--noerrdialogs", "--disable-session-crashed-bubble", "--disable-infobars", "--no-first-run", "--ozone-platform=wayland", "--touch-events=enabled"),
            "Browser flags.");
        options.Declare("kiosk.onScreenKeyboard.enable", Bool, true, "Give the operator an on-screen keyboard for text fields.");
        options.Declare("kiosk.onScreenKeyboard.program", NullOr(AbsolutePath), null,
            "An on-screen keyboard program run beside the browser (it needs a compositor with input-method support, which cage lacks); "
            + "null: the control server's own keyboard, which opens under a focused field (the kiosk's URL gets ?keyboard=on).");
    }

    /// <summary>The URL the browser opens: kiosk.url or the local server, asking for the in-page keyboard when that is the one.</summary>
    public static string Url(EvaluatedConfig config)
    {
        var url = config.NullableString("kiosk.url") ?? $"http://localhost:{config.Int("services.qitech.port")}/";
        if (!config.Bool("kiosk.onScreenKeyboard.enable") || config.NullableString("kiosk.onScreenKeyboard.program") is not null)
        {
            return url;
        }
        var fragment = url.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? url[hash..] : "";
        var page = url[..(url.Length - fragment.Length)];
        return page + (page.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "keyboard=on" + fragment;
    }

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        if (!config.Bool("kiosk.enable"))
        {
            return;
        }
        var user = config.String("kiosk.user");
        var tty = "tty" + config.Int("kiosk.tty");
        contributions.Set("users.users", new Dictionary<string, object?>
        {
            [user] = new Dictionary<string, object?> { ["extraGroups"] = List("video", "input", "render") },
        });
        // The kiosk's browser is the machine's own screen only when the daemon admits its user.
        var declared = config.Set("users.users").TryGetValue(user, out var u) && u is IReadOnlyDictionary<string, object?> d ? d : null;
        DaemonModule.Admit(config, contributions, user, declared?.Str("group") is { Length: > 0 } primary ? primary : user);
        contributions.Set("boot.kernelParams", List("consoleblank=0"));
        contributions.Set("services.logind.settings", new Dictionary<string, object?>
        {
            ["Login"] = new Dictionary<string, object?>
            {
                ["IdleAction"] = "ignore",
                ["HandleLidSwitch"] = "ignore",
            },
        }, Priority.Default);
        contributions.SetDefault("systemd.defaultUnit", "graphical.target");
        if (BaseModule.Enabled(config))
        {
            // cage as a normal user needs polkitd (seat access) and xwayland; fonts to show text.
            contributions.Set("system.base.packages", List("cage", "chromium", "wvkbd", "polkitd", "xwayland", "fonts-dejavu-core", "dbus-user-session"));
        }
        var after = new List<object?> { "systemd-user-sessions.service", "getty@" + tty + ".service" };
        var wants = new List<object?>();
        if (config.Bool("services.qitech.enable"))
        {
            after.Add(QiTechServiceModule.UnitName + ".service");
            wants.Add(QiTechServiceModule.UnitName + ".service");
        }
        contributions.Set("systemd.services." + UnitName, new Dictionary<string, object?>
        {
            ["description"] = "QiTech kiosk: the UI full-screen on " + tty,
            ["wantedBy"] = List("graphical.target"),
            ["after"] = after,
            ["wants"] = wants,
            ["conflicts"] = List("getty@" + tty + ".service"),
            ["environment"] = new Dictionary<string, object?> { ["XDG_SESSION_TYPE"] = "wayland" },
            ["serviceConfig"] = new Dictionary<string, object?>
            {
                ["Type"] = "simple",
                ["User"] = user,
                ["PAMName"] = "login",
                ["TTYPath"] = "/dev/" + tty,
                ["TTYReset"] = true,
                ["TTYVHangup"] = true,
                ["TTYVTDisallocate"] = true,
                ["StandardInput"] = "tty-fail",
                ["StandardOutput"] = "journal",
                ["StandardError"] = "journal",
                ["UtmpIdentifier"] = tty,
                ["UtmpMode"] = "user",
                ["ExecStart"] = Command(config),
                ["Restart"] = "always",
                ["RestartSec"] = 2L,
            },
        });
        // The kiosk answers nothing to probe: healthy is the compositor and browser staying up.
        contributions.SetDefault("systemd.services." + UnitName + ".healthCheck", new Dictionary<string, object?>
        {
            ["activeSec"] = 5L,
            ["deadlineSec"] = 30L,
        });
        // The operator's screen never sleeps: a sleeping machine controller is a stopped line.
        foreach (var target in new[] { "sleep", "suspend", "hibernate", "hybrid-sleep" })
        {
            contributions.SetDefault($"systemd.targets.{target}.enable", false);
        }
    }

    /// <summary>The compositor running a small shell session: the keyboard in the background, the browser in front.</summary>
    public static string Command(EvaluatedConfig config)
    {
        var browser = config.String("kiosk.browser") + " " + string.Join(' ', config.Strings("kiosk.browserFlags")) + " '" + KioskStartPage.UrlFor(Url(config)) + "'";
        var session = config.Bool("kiosk.onScreenKeyboard.enable") && config.NullableString("kiosk.onScreenKeyboard.program") is { } keyboard
            ? keyboard + " & exec " + browser
            : "exec " + browser;
        // The URL and flags are data to systemd: a '%' in them (%20) must not be read as a specifier.
        return UnitFileWriter.EscapeSpecifiers(config.String("kiosk.compositor") + " -s -- /bin/sh -c \"" + session + "\"");
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        if (config.Bool("kiosk.enable"))
        {
            var enabledAt = config.LocationOf(Kiosk.Append("enable"));
            tree.AddFile("etc/" + KioskStartPage.EtcPath, KioskStartPage.Html, enabledAt, Kiosk);
            tree.AddFile("etc/" + UserSliceDropIn, UserSliceWeight, enabledAt, Kiosk);
        }
    }

    /// <summary>Where the weight of the user sessions' CPU share is set: the kiosk's browser runs in its session.</summary>
    public const string UserSliceDropIn = "systemd/system/user.slice.d/50-qitech-kiosk.conf";

    // The browser starts with the machine's services at every boot, and under systemd's
    // equal split between system.slice and user.slice it took half the CPU: on a slow CPU
    // the control server then needed minutes to answer (measured in the VM). The screen yields;
    // when the services are idle it still has the whole CPU.
    private const string UserSliceWeight = """
        # Generated by the kiosk module: the machine's services come before the screen's browser.
        [Slice]
        CPUWeight=20

        """;

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        if (!config.Bool("kiosk.enable"))
        {
            return;
        }
        var user = config.String("kiosk.user");
        var users = config.Set("users.users");
        checks.Assert(users.TryGetValue(user, out var u) && u is IReadOnlyDictionary<string, object?> declared && declared.Bool("isNormalUser"),
            Kiosk.Append("user"), $"kiosk user '{user}' must be a normal user in users.users");
        checks.Assert(Uri.TryCreate(Url(config), UriKind.Absolute, out var uri) && (uri.Scheme == "http" || uri.Scheme == "https")
            && !Url(config).Any(c => c is '\'' or '"' or '\\' or '`' or '$' or ' '),
            Kiosk.Append("url"), $"'{Url(config)}' is not an http(s) URL without quotes or spaces");
        if (!config.Bool("services.qitech.enable") && config.NullableString("kiosk.url") == null)
        {
            checks.Warn(Kiosk.Append("url"), "the kiosk shows the local control server, but services.qitech is not enabled");
        }
    }
}
