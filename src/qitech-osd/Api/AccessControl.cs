namespace QiTech.Os.Daemon.Api;

/// <summary>
/// Every request that is not a GET changes something: only peers the
/// <see cref="AccessPolicy"/> allows may make it; others get 403 and nothing happens.
/// </summary>
public static class AccessControl
{
    public static async Task Middleware(HttpContext context, RequestDelegate next)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
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
        if (!policy.MayChange(peer.Value))
        {
            await ErrorMapping.Problem(context, StatusCodes.Status403Forbidden,
                $"uid {peer.Value.Uid} may only read: changing the system needs root or membership of group '{policy.Group}'");
            return;
        }
        await next(context);
    }
}
