using System.Text;
using System.Text.RegularExpressions;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>systemd.services</c> and <c>systemd.targets</c> → unit files under
/// <c>etc/systemd/system</c>, with <c>&lt;target&gt;.wants/</c> links for <c>wantedBy</c> (as
/// NixOS, so the whole directory describes what runs); a unit with <c>enable: false</c> is
/// masked (a link to /dev/null). <c>systemd.tmpfiles.rules</c> → <c>etc/tmpfiles.d/qitech.conf</c>.
/// </summary>
public sealed class SystemdModule : IConfigModule
{
    public const string UnitNamePattern = @"^[A-Za-z0-9:_.\\-]+(@[A-Za-z0-9:_.\\-]*)?$";
    public const string UnitDir = "etc/systemd/system";
    private static readonly OptionPath Services = OptionPath.Parse("systemd.services");
    private static readonly OptionPath Targets = OptionPath.Parse("systemd.targets");
    private static readonly OptionPath Tmpfiles = OptionPath.Parse("systemd.tmpfiles.rules");
    private static readonly OptionPath DefaultUnit = OptionPath.Parse("systemd.defaultUnit");

    public string Name => "systemd";

    public void Declare(OptionSet options)
    {
        var unitName = ListOf(Matching(@"^[A-Za-z0-9:_.@\\-]+$", "unit name"));
        options.Declare("systemd.services", AttrsOf(Submodule(s =>
        {
            DeclareCommon(s, unitName);
            s.Declare("environment", AttrsOf(Scalar), EmptySet, "Environment variables of the service, passed as written (quotes, backslashes and % escaped for systemd).", "{ RUST_LOG: info }")
             .Declare("serviceConfig", AttrsOf(UnitSetting), EmptySet,
                 "Settings of the [Service] section; a list gives one line per item. Values are systemd syntax (specifiers such as %i expand, write %% for a percent sign); "
                 + "a value holding a line break or ending in a backslash is refused.",
                 "{ ExecStart: /usr/bin/true, Restart: always }")
             .Declare("restartTriggers", ListOf(Str), EmptyList,
                 "Texts whose change restarts the service (written as X-Restart-Triggers, which systemd ignores).")
             .Declare("healthCheck", NullOr(Submodule(DeclareHealthCheck)), null,
                 "When the service counts as healthy after a switch, test or update (written into the unit as [X-QiTech-HealthCheck], which "
                 + "systemd ignores). Activation waits for it; when it fails, the version that ran before is switched back to, live. "
                 + "null: no check beyond a successful start. '!force null' removes a module's check.",
                 "{ http: 'http://127.0.0.1:8080/health', activeSec: 5, deadlineSec: 60 }");
        })), EmptySet, "Services, by unit name without .service.", "{ my-daemon: { wantedBy: [multi-user.target], serviceConfig: { ExecStart: /usr/bin/my-daemon } } }");
        options.Declare("systemd.targets", AttrsOf(Submodule(t => DeclareCommon(t, unitName))), EmptySet,
            "Targets, by name without .target. enable: false masks one (sleep, suspend, hibernate); a target with a description is written as a unit.",
            "{ sleep: { enable: false } }");
        options.Declare("systemd.tmpfiles.rules", ListOf(Str), EmptyList, "tmpfiles.d lines: directories, files and links created at activation.",
            "['d /var/lib/qitech 0750 qitech-service qitech-service -']");
        options.Declare("systemd.defaultUnit", Matching(@"^[A-Za-z0-9:_.\\-]+\.target$", "target unit name"), "multi-user.target",
            "The target the machine boots into.", "graphical.target");
    }

    private static void DeclareHealthCheck(OptionSet h) => h
        .Declare("http", NullOr(Str), null,
            "A URL on this machine (http or https to localhost, 127.0.0.1 or [::1]) that must answer 2xx.", "http://127.0.0.1:3001/health")
        .Declare("command", NullOr(Str), null,
            "A command that must exit 0: split as ExecStart= is (quotes, no shell, no variables), run as the daemon's user with the system's "
            + "sw/bin first on PATH.", "qitech-os status")
        .Declare("activeSec", NullOr(IntBetween(1, 3600)), null,
            "Seconds the service must have run without a restart before it counts as healthy (catches a crash loop after a first good answer).")
        .Declare("deadlineSec", IntBetween(1, 3600), (long)QiTech.Os.Config.HealthCheck.DefaultDeadline.TotalSeconds,
            "Seconds after the activation by which the check must pass; the service exiting or failing fails it at once.");

    private static void DeclareCommon(OptionSet s, Types.ListType unitName) => s
        .Declare("enable", Bool, true, "false masks the unit: it cannot start, not even as a dependency.")
        .Declare("description", Str, "", "Description= of the [Unit] section.")
        .Declare("wantedBy", unitName, EmptyList, "Units that pull this one in (as WantedBy=, installed as .wants links).", "[multi-user.target]")
        .Declare("requiredBy", unitName, EmptyList, "Units that require this one (.requires links).")
        .Declare("after", unitName, EmptyList, "Start after these units.")
        .Declare("before", unitName, EmptyList, "Start before these units.")
        .Declare("wants", unitName, EmptyList, "Units to start with this one.")
        .Declare("requires", unitName, EmptyList, "Units this one cannot run without.")
        .Declare("conflicts", unitName, EmptyList, "Units stopped when this one starts.")
        .Declare("unitConfig", AttrsOf(UnitSetting), EmptySet, "Further settings of the [Unit] section (systemd syntax, as serviceConfig).");

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        foreach (var name in config.Set("systemd.services").Keys)
        {
            checks.Assert(Regex.IsMatch(name, UnitNamePattern), Services.Append(name), $"'{name}' is not a valid unit name");
        }
        foreach (var name in config.Set("systemd.targets").Keys)
        {
            checks.Assert(Regex.IsMatch(name, UnitNamePattern), Targets.Append(name), $"'{name}' is not a valid unit name");
        }
        foreach (var (name, service) in config.Set("systemd.services").Entries())
        {
            if (service["healthCheck"] is IReadOnlyDictionary<string, object?> health)
            {
                CheckHealth(checks, Services.Append(name).Append("healthCheck"), health);
            }
            foreach (var variable in service.Set("environment").Keys)
            {
                checks.Assert(UnitFileWriter.EnvironmentNamePattern.IsMatch(variable), Services.Append(name).Append("environment").Append(variable),
                    $"'{TextChecks.Printable(variable)}' is not a valid variable name");
            }
            if (service.Bool("enable"))
            {
                var settings = service.Set("serviceConfig");
                checks.Assert(settings.ContainsKey("ExecStart") || settings.ContainsKey("Type") && settings["Type"] is "oneshot",
                    Services.Append(name).Append("serviceConfig"), "a service needs serviceConfig.ExecStart");
            }
        }
    }

    private static void CheckHealth(ConfigChecks checks, OptionPath at, IReadOnlyDictionary<string, object?> health)
    {
        var http = health.Str("http");
        var command = health.Str("command");
        var active = health.Int("activeSec");
        checks.Assert(http != null || command != null || active != null, at, "a health check needs http, command or activeSec");
        if (http != null && QiTech.Os.Config.HealthCheck.UrlProblem(http) is { } urlProblem)
        {
            checks.Assert(false, at.Append("http"), urlProblem);
        }
        if (command != null && QiTech.Os.Config.HealthCheck.CommandProblem(command) is { } commandProblem)
        {
            checks.Assert(false, at.Append("command"), commandProblem);
        }
        checks.Assert(active == null || active < health.Int("deadlineSec"), at.Append("deadlineSec"),
            $"deadlineSec ({health.Int("deadlineSec")}) must be longer than activeSec ({active})");
    }

    /// <summary>The check as the unit file carries it (null when none is declared).</summary>
    private static QiTech.Os.Config.HealthCheck? HealthCheckOf(IReadOnlyDictionary<string, object?> service) =>
        service["healthCheck"] is IReadOnlyDictionary<string, object?> h
            ? new QiTech.Os.Config.HealthCheck(
                h.Str("http") is { } url ? new Uri(url) : null,
                h.Str("command"),
                h.Int("activeSec") is { } active ? TimeSpan.FromSeconds(active) : null,
                TimeSpan.FromSeconds(h.Int("deadlineSec")!.Value))
            : null;

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        foreach (var (name, service) in config.Set("systemd.services").Entries())
        {
            RenderUnit(config, tree, Services.Append(name), name + ".service", service, "Service", writer =>
            {
                foreach (var (key, value) in service.Set("environment"))
                {
                    writer.Environment("Environment", key, Types.ScalarValueType.Render(value), Services.Append(name).Append("environment").Append(key));
                }
                foreach (var (key, value) in service.Set("serviceConfig"))
                {
                    writer.Setting(key, value, Services.Append(name).Append("serviceConfig").Append(key));
                }
                if (HealthCheckOf(service) is { } check)
                {
                    writer.Section(QiTech.Os.Config.HealthCheck.Section);
                    foreach (var (key, value) in check.Lines())
                    {
                        writer.Line(key, value);
                    }
                }
            });
        }
        foreach (var (name, target) in config.Set("systemd.targets").Entries())
        {
            // A target named only to be enabled stays the host's; one with a description is ours.
            if (target.Bool("enable") && target.Str("description")!.Length == 0)
            {
                continue;
            }
            RenderUnit(config, tree, Targets.Append(name), name + ".target", target, null, _ => { });
        }
        var defaultUnit = config.String("systemd.defaultUnit");
        // /etc/systemd/system/default.target links here through /etc/static, so a unit that is
        // not the system's own is named where the distribution keeps it: a bare name would
        // resolve next to the link, in the store, and systemd would fall back to rescue.target.
        var defaultTarget = tree.Contains(UnitDir + "/" + defaultUnit) ? defaultUnit : "/usr/lib/systemd/system/" + defaultUnit;
        tree.AddSymlink(UnitDir + "/default.target", defaultTarget, config.LocationOf(DefaultUnit), DefaultUnit);
        var rules = config.Strings("systemd.tmpfiles.rules");
        if (rules.Count > 0)
        {
            foreach (var (rule, i) in rules.Select((r, i) => (r, i)))
            {
                // A rule is tmpfiles.d syntax (its specifiers included); it must stay one line.
                if (rule.Contains('\n') || rule.Contains('\r') || TextChecks.ControlCharacter(rule) != null)
                {
                    var at = Tmpfiles.Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    throw ConfigException.At(config.LocationOf(at), at, "a tmpfiles rule must be one line without control characters");
                }
            }
            var text = "# Generated from systemd.tmpfiles.rules\n" + string.Join("", rules.Select(r => r + "\n"));
            tree.AddFile("etc/tmpfiles.d/qitech.conf", text, config.LocationOf(Tmpfiles), Tmpfiles);
        }
    }

    private static void RenderUnit(EvaluatedConfig config, SystemTree tree, OptionPath path, string unit, IReadOnlyDictionary<string, object?> value,
        string? section, Action<UnitFileWriter> body)
    {
        var origin = config.LocationOf(path);
        if (!value.Bool("enable"))
        {
            tree.AddSymlink(UnitDir + "/" + unit, "/dev/null", origin, path);
            return;
        }
        var writer = new UnitFileWriter(config, path).Comment($"Generated from {path}").Section("Unit");
        if (value.Str("description") is { Length: > 0 } description)
        {
            writer.Line("Description", description, path.Append("description"));
        }
        foreach (var key in new[] { "after", "before", "wants", "requires", "conflicts" })
        {
            var units = value.Strings(key);
            if (units.Count > 0)
            {
                writer.Line(char.ToUpperInvariant(key[0]) + key[1..], string.Join(' ', units));
            }
        }
        if (value.TryGetValue("restartTriggers", out var triggers) && triggers is IReadOnlyList<object?> { Count: > 0 } list)
        {
            writer.Line("X-Restart-Triggers", string.Join(' ', list.Cast<string>().Select(TriggerHash)));
        }
        foreach (var (key, setting) in value.Set("unitConfig"))
        {
            writer.Setting(key, setting, path.Append("unitConfig").Append(key));
        }
        if (section != null)
        {
            writer.Section(section);
            body(writer);
        }
        var wantedBy = value.Strings("wantedBy");
        var requiredBy = value.Strings("requiredBy");
        if (wantedBy.Count + requiredBy.Count > 0)
        {
            writer.Section("Install");
            if (wantedBy.Count > 0)
            {
                writer.Line("WantedBy", string.Join(' ', wantedBy));
            }
            if (requiredBy.Count > 0)
            {
                writer.Line("RequiredBy", string.Join(' ', requiredBy));
            }
        }
        tree.AddFile(UnitDir + "/" + unit, writer.ToString(), origin, path);
        foreach (var by in wantedBy.Distinct(StringComparer.Ordinal))
        {
            tree.AddSymlink($"{UnitDir}/{by}.wants/{unit}", "../" + unit, origin, path.Append("wantedBy"));
        }
        foreach (var by in requiredBy.Distinct(StringComparer.Ordinal))
        {
            tree.AddSymlink($"{UnitDir}/{by}.requires/{unit}", "../" + unit, origin, path.Append("requiredBy"));
        }
    }

    // A trigger's text may be long or hold anything; its hash is one safe word that changes with it.
    private static string TriggerHash(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
