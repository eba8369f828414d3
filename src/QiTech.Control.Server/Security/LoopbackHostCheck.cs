namespace QiTech.Control.Server.Security;

/// <summary>
/// Stops DNS rebinding: a page of another site whose name its owner makes resolve to
/// 127.0.0.1 reaches the server through the machine's own browser, with its own name in
/// <c>Host</c>. On a loopback connection the <c>Host</c> must therefore be a loopback name,
/// whether or not remote access is on; remote connections must sign in anyway, and a session
/// cookie is never sent to another name.
/// </summary>
public sealed class LoopbackHostCheck(RequestDelegate next)
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    public Task InvokeAsync(HttpContext context)
    {
        if (LoopbackPeer.Is(context.Connection)
            && !LoopbackNames.Contains(context.Request.Host.Host, StringComparer.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return context.Response.WriteAsync("a loopback connection must name localhost, 127.0.0.1 or [::1] in its Host header\n");
        }
        return next(context);
    }
}
