using Microsoft.AspNetCore.Antiforgery;

namespace QiTech.Control.Server.Security;

/// <summary>
/// Cross-site request forgery protection for the JSON API: every mutating call carries the
/// token from <c>GET /api/antiforgery</c> in the <see cref="HeaderName"/> header, with the
/// cookie that came with it. A page on another site can read neither.
/// </summary>
public sealed class AntiforgeryCheck(IAntiforgery antiforgery) : IEndpointFilter
{
    public const string HeaderName = "X-CSRF-TOKEN";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            try
            {
                await antiforgery.ValidateRequestAsync(http);
            }
            catch (AntiforgeryValidationException)
            {
                return Results.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "cross-site request check failed",
                    detail: $"{http.Request.Method} {http.Request.Path}: missing or invalid {HeaderName} header (get one from GET /api/antiforgery)");
            }
        }
        return await next(context);
    }
}
