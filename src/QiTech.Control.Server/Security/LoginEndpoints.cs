using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace QiTech.Control.Server.Security;

/// <summary>The remote login: a plain form (no script needed), checked against the configured hash.</summary>
public static class LoginEndpoints
{
    public const string LoginPath = "/login";

    public static void MapLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet(LoginPath, (HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
                LoginPage(context, antiforgery, returnUrl, failed: false))
            .AllowAnonymous()
            .ExcludeFromDescription();
        app.MapPost(LoginPath, async (HttpContext context, IAntiforgery antiforgery, IOptions<ControlServerOptions> options, ILogger<LoginForm> log) =>
            {
                if (!await antiforgery.IsRequestValidAsync(context))
                {
                    return Results.StatusCode(StatusCodes.Status403Forbidden);
                }
                var form = await context.Request.ReadFormAsync();
                var returnUrl = LocalUrl(form["returnUrl"]);
                if (!PasswordHash.Verify(form["password"].ToString(), options.Value.Remote.PasswordHash))
                {
                    log.LogWarning("Failed login from {Peer}", context.Connection.RemoteIpAddress);
                    return LoginPage(context, antiforgery, returnUrl, failed: true);
                }
                var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], CookieAuthenticationDefaults.AuthenticationScheme);
                await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
                return Results.Redirect(returnUrl);
            })
            .AllowAnonymous()
            .DisableAntiforgery()
            .ExcludeFromDescription();
        app.MapPost("/logout", async (HttpContext context) =>
            {
                await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                return Results.Redirect(LoginPath);
            })
            .DisableAntiforgery()
            .ExcludeFromDescription();
    }

    private static string LocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";

    private static IResult LoginPage(HttpContext context, IAntiforgery antiforgery, string? returnUrl, bool failed)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var html = HtmlEncoder.Default;
        var page = $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Log in · QiTech Control</title><link rel="icon" href="/favicon.ico"><link rel="stylesheet" href="/app.css"><script src="/theme.js"></script></head>
            <body><main class="login">
            <h1>QiTech Control</h1>
            <form method="post" action="{{LoginPath}}">
            <input type="hidden" name="{{html.Encode(tokens.FormFieldName)}}" value="{{html.Encode(tokens.RequestToken ?? "")}}">
            <input type="hidden" name="returnUrl" value="{{html.Encode(LocalUrl(returnUrl))}}">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" autofocus required>
            {{(failed ? "<p class=\"error\" role=\"alert\">Wrong password.</p>" : "")}}
            <button type="submit" class="primary">Log in</button>
            </form></main><script src="/keyboard.js"></script></body></html>
            """;
        return Results.Content(page, "text/html; charset=utf-8", statusCode: failed ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK);
    }

    /// <summary>The logger category of login attempts.</summary>
    public sealed class LoginForm;
}
