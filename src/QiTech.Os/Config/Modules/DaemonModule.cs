using QiTech.Os.Access;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>system.daemon.group</c>: the group whose members qitech-osd lets change the system
/// (its <c>--group</c>), which the control server also uses to tell the machine's own screen
/// from other local users. The server's and the kiosk's modules make their users members
/// (<see cref="Admit"/>), which also creates the group.
/// </summary>
public sealed class DaemonModule : IConfigModule
{
    public string Name => "system.daemon";

    public void Declare(OptionSet options) =>
        options.Declare("system.daemon.group", Matching(UsersModule.NamePattern, "group name"), AccessPolicy.DefaultGroup,
            "Who may change the system besides root (qitech-osd --group): the control server's and the kiosk's users are made members, and a loopback connection of a member is the machine's own screen, which needs no login.");

    public static string Group(EvaluatedConfig config) => config.String("system.daemon.group");

    /// <summary>
    /// Makes <paramref name="user"/> a member, unless the group is already its own primary one
    /// (or it is root, who needs none), and makes sure the group exists.
    /// </summary>
    public static void Admit(EvaluatedConfig config, ConfigContributions contributions, string user, string primaryGroup)
    {
        var group = Group(config);
        if (user == "root" || primaryGroup == group)
        {
            return;
        }
        contributions.Set("users.users", new Dictionary<string, object?>
        {
            [user] = new Dictionary<string, object?> { ["extraGroups"] = List(group) },
        });
        // A user of the same name creates this group as its own; declaring it too would make
        // systemd-sysusers give it a system gid that user then has to take.
        if (!config.Set("users.users").ContainsKey(group))
        {
            contributions.Set("users.groups", new Dictionary<string, object?> { [group] = new Dictionary<string, object?>() });
        }
    }
}
