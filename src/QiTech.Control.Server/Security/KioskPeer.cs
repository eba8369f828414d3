using Microsoft.AspNetCore.Connections.Features;
using QiTech.Os.Access;

namespace QiTech.Control.Server.Security;

/// <summary>
/// Whether a request comes from the machine's own screen. Loopback alone proves nothing:
/// every local user can connect to 127.0.0.1. The kiosk is a loopback connection whose
/// socket belongs to a user the daemon's own <see cref="AccessPolicy"/> admits (root, the
/// daemon's user — the owner of its socket — and members of the admitted group), so the
/// server does for no local user what the daemon would refuse that user. Judged once per
/// connection.
/// </summary>
public sealed class KioskPeer(IConnectionOwner owners, string group, string daemonSocket, ILogger<KioskPeer> log)
{
    private static readonly object VerdictKey = new();

    public bool IsKiosk(HttpContext context)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items != null && items.TryGetValue(VerdictKey, out var known) && known is bool verdict)
        {
            return verdict;
        }
        var judged = Judge(context);
        if (items != null)
        {
            items[VerdictKey] = judged;
        }
        return judged;
    }

    private bool Judge(HttpContext context)
    {
        if (!LoopbackPeer.Is(context.Connection))
        {
            return false;
        }
        uint? uid;
        try
        {
            uid = owners.FindUid(context);
        }
        catch (IOException e)
        {
            log.LogWarning("Cannot tell who owns a loopback connection, so it must log in: {Cause}", e.Message);
            return false;
        }
        if (uid is not { } owner)
        {
            return false;
        }
        var admitted = AccessPolicy.ForDaemonSocket(group, daemonSocket).MayChange(owner);
        if (!admitted)
        {
            log.LogInformation("Loopback connection of uid {Uid}: not root, the daemon's user or a member of group '{Group}', so it must log in", owner, group);
        }
        return admitted;
    }
}
