using System.Net;
using Microsoft.AspNetCore.Authorization;

namespace QiTech.Control.Server.Security;

/// <summary>
/// The kiosk on the machine (a loopback peer) may use the server without logging in; any
/// other peer must be signed in. Forwarded headers are never trusted, so the peer address
/// is the socket's.
/// </summary>
public sealed class LocalOrSignedInRequirement : AuthorizationHandler<LocalOrSignedInRequirement>, IAuthorizationRequirement
{
    public static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, LocalOrSignedInRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        if (http is not null && IsLocal(http) || context.User.Identity?.IsAuthenticated == true)
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
