using QiTech.Os.Access;

namespace QiTech.Os.Daemon.Api;

/// <summary>
/// Every request that is not a GET changes something, and a read that contacts the update
/// source uses the machine's token: only peers the <see cref="AccessPolicy"/> allows may
/// make them; others get 403 and nothing happens.
/// </summary>
public static class AccessControl
{
    /// <summary>Reads that fetch from the update source with the stored token.</summary>
    private static readonly string[] TokenReads = ["/v1/update/targets", "/v1/update/changelog"];

    public static async Task Middleware(HttpContext context, RequestDelegate next)
    {
        var read = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        if (read && !TokenReads.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.Ordinal)))
        {
            await next(context);
            return;
        }
        var policy = context.RequestServices.GetRequiredService<AccessPolicy>();
        var peer = PeerCredentials.Of(context);
        if (peer == null)
        {
            await ErrorMapping.Problem(context, StatusCodes.Status403Forbidden, "peer credentials unavailable: connect over the daemon's Unix socket");
            return;
        }
        if (!policy.MayChange(peer.Value.Uid, peer.Value.Gid, peer.Value.Pid))
        {
            var what = read ? "reading from the update source (with its token)" : "changing the system";
            await ErrorMapping.Problem(context, StatusCodes.Status403Forbidden,
                $"uid {peer.Value.Uid} may only read: {what} needs root or membership of group '{policy.Group}'");
            return;
        }
        await next(context);
    }
}
