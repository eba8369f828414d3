namespace QiTech.Control.Server.Security;

/// <summary>
/// Refuses state-changing requests and WebSocket upgrades (the Blazor circuit) whose
/// <c>Origin</c> is another site: browsers send it, and no page of ours sends a foreign one.
/// </summary>
public sealed class SameOriginCheck(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var mutating = !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method);
        if ((mutating || context.WebSockets.IsWebSocketRequest)
            && request.Headers.Origin is [{ } origin]
            && !IsSameOrigin(origin, request))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }
        return next(context);
    }

    private static bool IsSameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase);
}
