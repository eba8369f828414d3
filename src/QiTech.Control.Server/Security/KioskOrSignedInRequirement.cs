using Microsoft.AspNetCore.Authorization;

namespace QiTech.Control.Server.Security;

/// <summary>
/// Everything but <c>/health</c> and the login form needs either the machine's own screen
/// (<see cref="KioskPeer"/>) or a signed-in operator; the password is the authorization, so
/// a signed-in operator may change the system as the kiosk may.
/// </summary>
public sealed class KioskOrSignedInRequirement : IAuthorizationRequirement;

/// <summary>Grants <see cref="KioskOrSignedInRequirement"/>.</summary>
public sealed class KioskOrSignedInHandler(KioskPeer kiosk) : AuthorizationHandler<KioskOrSignedInRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, KioskOrSignedInRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true || context.Resource is HttpContext http && kiosk.IsKiosk(http))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
