using System.Text;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary><c>security.loginLimits</c> → <c>etc/security/limits.d/90-qitech.conf</c> (pam_limits).</summary>
public sealed class SecurityModule : IConfigModule
{
    private static readonly OptionPath LoginLimits = OptionPath.Parse("security.loginLimits");

    public string Name => "security";

    public void Declare(OptionSet options) =>
        options.Declare("security.loginLimits", ListOf(Submodule(l => l
            .Declare("domain", Matching(@"^(\*|@?[a-z_][a-z0-9_-]*|%[a-z_][a-z0-9_-]*|[0-9]+:[0-9]*|@[0-9]+:[0-9]*)$", "limits domain (user, @group, *)"), "*",
                "Who the limit applies to: a user, @group, or *.", "@realtime")
            .Declare("type", Enum("soft", "hard", "-"), "-", "soft, hard, or - for both.")
            .Declare("item", Enum("core", "data", "fsize", "memlock", "nofile", "rss", "stack", "cpu", "nproc", "as", "maxlogins",
                "maxsyslogins", "nonewprivs", "priority", "locks", "sigpending", "msgqueue", "nice", "rtprio"), "nofile", "The limited resource.", "rtprio")
            .Declare("value", Scalar, "unlimited", "The limit: a number, or unlimited.", "99"))),
            EmptyList, "Resource limits for login sessions (limits.conf lines).",
            "[{ domain: '@realtime', item: rtprio, value: 99 }]");

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        var limits = config.List("security.loginLimits");
        for (var i = 0; i < limits.Count; i++)
        {
            var value = ((IReadOnlyDictionary<string, object?>)limits[i]!)["value"];
            checks.Assert(value is long || value is "unlimited" or "infinity", LoginLimits.Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("value"),
                "a limit is a number, unlimited or infinity");
        }
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        var limits = config.List("security.loginLimits");
        if (limits.Count == 0)
        {
            return;
        }
        var text = new StringBuilder("# Generated from security.loginLimits\n");
        foreach (var limit in limits.Cast<IReadOnlyDictionary<string, object?>>())
        {
            text.Append($"{limit.Str("domain")} {limit.Str("type")} {limit.Str("item")} {Types.ScalarValueType.Render(limit["value"])}\n");
        }
        tree.AddFile("etc/security/limits.d/90-qitech.conf", text.ToString(), config.LocationOf(LoginLimits), LoginLimits);
    }
}
