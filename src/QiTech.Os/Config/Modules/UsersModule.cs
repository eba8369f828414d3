using System.Text;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>users.users</c> and <c>users.groups</c> → <c>etc/sysusers.d/qitech.conf</c>, created by
/// systemd-sysusers at activation; homes of normal users → <c>systemd.tmpfiles.rules</c>.
/// Normal users without a uid get the first free one from 1000 in name order.
/// </summary>
public sealed class UsersModule : IConfigModule
{
    public const string NamePattern = "^[a-z_][a-z0-9_-]{0,30}$";
    private const long FirstNormalUid = 1000;
    private static readonly OptionPath Users = OptionPath.Parse("users.users");
    private static readonly OptionPath Groups = OptionPath.Parse("users.groups");

    public string Name => "users";

    public void Declare(OptionSet options)
    {
        options.Declare("users.users", AttrsOf(Submodule(u => u
            .Declare("isNormalUser", Bool, false, "A person who logs in: uid from 1000, a home under /home, a login shell.")
            .Declare("isSystemUser", Bool, false, "A service account: uid below 1000, no login shell.")
            .Declare("uid", NullOr(IntBetween(0, 2147483646)), null, "The user id; null picks one.")
            .Declare("group", Str, "", "The primary group (declared under users.groups); empty: a group named as the user.")
            .Declare("extraGroups", ListOf(Matching(NamePattern, "group name")), EmptyList, "Further groups the user belongs to.", "[realtime, video]")
            .Declare("description", Str, "", "The full name (GECOS field).")
            .Declare("home", NullOr(AbsolutePath), null, "Home directory; null: /home/<name> for normal users, / for system users.")
            .Declare("createHome", Bool, false, "Create the home directory (always done for normal users).")
            .Declare("shell", NullOr(AbsolutePath), null, "Login shell; null: /bin/bash for normal users, /usr/sbin/nologin otherwise."))),
            EmptySet, "Users of the machine, by name.", "{ qitech: { isNormalUser: true, extraGroups: [realtime] } }");
        options.Declare("users.groups", AttrsOf(Submodule(g => g
            .Declare("gid", NullOr(IntBetween(0, 2147483646)), null, "The group id; null picks one.")
            .Declare("members", ListOf(Matching(NamePattern, "user name")), EmptyList, "Users in this group (besides those naming it in extraGroups)."))),
            EmptySet, "Groups of the machine, by name.", "{ realtime: {} }");
    }

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        foreach (var (name, user) in config.Set("users.users").Entries())
        {
            if (user.Bool("isNormalUser") || user.Bool("createHome"))
            {
                var group = PrimaryGroup(name, user);
                contributions.Set("systemd.tmpfiles.rules", List($"d {Home(name, user)} 0700 {name} {group} -"));
            }
        }
    }

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        var groups = config.Set("users.groups");
        foreach (var (name, user) in config.Set("users.users").Entries())
        {
            var path = Users.Append(name);
            checks.Assert(System.Text.RegularExpressions.Regex.IsMatch(name, NamePattern), path, $"user name '{name}' must match {NamePattern}");
            checks.Assert(user.Bool("isNormalUser") ^ user.Bool("isSystemUser"), path, "exactly one of isNormalUser and isSystemUser must be true");
            var group = user.Str("group")!;
            checks.Assert(group.Length == 0 || group == name || groups.ContainsKey(group), path.Append("group"), $"group '{group}' is not declared in users.groups");
            if (user.Int("uid") is { } uid)
            {
                checks.Assert(user.Bool("isNormalUser") ? uid >= FirstNormalUid : uid < FirstNormalUid, path.Append("uid"),
                    user.Bool("isNormalUser") ? "a normal user's uid is 1000 or more" : "a system user's uid is below 1000");
            }
        }
        foreach (var name in groups.Keys)
        {
            checks.Assert(System.Text.RegularExpressions.Regex.IsMatch(name, NamePattern), Groups.Append(name), $"group name '{name}' must match {NamePattern}");
        }
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        var users = config.Set("users.users");
        var groups = config.Set("users.groups");
        if (users.Count == 0 && groups.Count == 0)
        {
            return;
        }
        var text = new StringBuilder("# Generated from users.users and users.groups\n");
        foreach (var (name, group) in groups.Entries())
        {
            text.Append($"g {name} {group.Int("gid")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}\n");
        }
        var taken = users.Values.Select(u => ((IReadOnlyDictionary<string, object?>)u!).Int("uid")).OfType<long>().ToHashSet();
        var nextUid = FirstNormalUid;
        foreach (var (name, user) in users.Entries())
        {
            string id;
            if (user.Int("uid") is { } uid)
            {
                id = uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (user.Bool("isNormalUser"))
            {
                while (taken.Contains(nextUid))
                {
                    nextUid++;
                }
                taken.Add(nextUid);
                id = nextUid.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                id = "-";
            }
            var group = user.Str("group")!;
            if (group.Length > 0 && group != name)
            {
                id += ":" + group;
            }
            var description = user.Str("description")!;
            var shell = user.Str("shell") ?? (user.Bool("isNormalUser") ? "/bin/bash" : "/usr/sbin/nologin");
            var home = user.Bool("isNormalUser") || user.Str("home") != null ? Home(name, user) : "/";
            foreach (var (field, value) in new[] { ("description", description), ("home", home), ("shell", shell) })
            {
                // A passwd field ends at ':' and a line at a line break: neither has an escape there.
                if (value.Contains(':') || TextChecks.ControlCharacter(value) != null)
                {
                    var at = Users.Append(name).Append(field);
                    throw ConfigException.At(config.LocationOf(at), at, "a passwd field cannot hold ':' or control characters");
                }
            }
            text.Append($"u {name} {id} {SysusersQuote(description)} {home} {shell}\n");
        }
        var memberships = new SortedSet<(string User, string Group)>();
        foreach (var (name, user) in users.Entries())
        {
            foreach (var group in user.Strings("extraGroups"))
            {
                memberships.Add((name, group));
            }
        }
        foreach (var (group, value) in groups.Entries())
        {
            foreach (var member in value.Strings("members"))
            {
                memberships.Add((member, group));
            }
        }
        foreach (var (user, group) in memberships)
        {
            text.Append($"m {user} {group}\n");
        }
        tree.AddFile("etc/sysusers.d/qitech.conf", text.ToString(), config.LocationOf(Users), Users);
    }

    /// <summary>A double-quoted sysusers.d field that reads back as written: it unescapes backslashes and expands %-specifiers.</summary>
    private static string SysusersQuote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("%", "%%", StringComparison.Ordinal) + "\"";

    private static string PrimaryGroup(string name, IReadOnlyDictionary<string, object?> user) =>
        user.Str("group") is { Length: > 0 } group ? group : name;

    private static string Home(string name, IReadOnlyDictionary<string, object?> user) =>
        user.Str("home") ?? (user.Bool("isNormalUser") ? "/home/" + name : "/");
}
