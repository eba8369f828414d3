using QiTech.Os.Platform;

namespace QiTech.Os.Access;

/// <summary>
/// Who may change the system: root, the daemon's own user (embedded mode runs as a normal
/// user who owns the root), and members of the admitted group. Everyone else may only read.
/// The daemon judges the peer of its Unix socket with it, the control server the owner of a
/// loopback connection: one rule, so the server never does for a caller what the daemon would
/// refuse that caller.
/// </summary>
public sealed class AccessPolicy
{
    /// <summary>The admitted group when none is configured (<c>qitech-osd --group</c>, <c>ControlServer:DaemonGroup</c>).</summary>
    public const string DefaultGroup = "qitech";

    private readonly uint? daemonUid;

    /// <param name="group">The admitted group's name.</param>
    /// <param name="daemonUid">The uid the daemon runs as, or null when unknown (only root and the group are admitted then).</param>
    public AccessPolicy(string group, uint? daemonUid)
    {
        Group = group;
        this.daemonUid = daemonUid;
    }

    public string Group { get; }

    /// <summary>The policy of the daemon running in this process.</summary>
    public static AccessPolicy ForThisProcess(string group) => new(group, Posix.GetEffectiveUserId());

    /// <summary>
    /// The policy of the daemon listening on <paramref name="socketPath"/>: its user is the
    /// socket file's owner, since the daemon creates the socket itself.
    /// </summary>
    public static AccessPolicy ForDaemonSocket(string group, string socketPath) =>
        new(group, Posix.TryStat(Posix.AtFdCwd, Posix.Z(socketPath), out var st) ? st.Uid : null);

    /// <summary>Whether the caller may change the system.</summary>
    /// <param name="uid">The caller's user.</param>
    /// <param name="gid">The caller's primary group as the kernel reported it with the connection, if it did.</param>
    /// <param name="pid">
    /// The caller's process, whose groups as it holds them now are read from /proc; without it,
    /// or when the process is gone, the group database's groups of <paramref name="uid"/> count.
    /// </param>
    public bool MayChange(uint uid, uint? gid = null, int? pid = null)
    {
        if (uid == 0 || uid == daemonUid)
        {
            return true;
        }
        if (UserGroups.GroupId(Group) is not { } admitted)
        {
            return false;
        }
        if (gid == admitted)
        {
            return true;
        }
        var groups = (pid is { } p ? UserGroups.OfProcess(p) : null) ?? UserGroups.OfUser(uid);
        return groups.Contains(admitted);
    }
}
