using QiTech.Os.Client;
using QiTech.Os.Errors;

namespace QiTech.Control.Server.Api;

/// <summary>Turns the daemon's problems into the same problem details for API callers.</summary>
public sealed class DaemonErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (DaemonException e)
        {
            var extensions = e.RunningJobId is { } id ? new Dictionary<string, object?> { ["jobId"] = id } : null;
            return Results.Problem(detail: e.Message, statusCode: e.Status, title: e.Title, extensions: extensions);
        }
        catch (DaemonUnavailableException)
        {
            return Results.Problem(
                detail: "the system daemon (qitech-osd) does not answer; it may be restarting",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "daemon unavailable");
        }
        catch (BadInputException e)
        {
            return Results.Problem(detail: e.Message, statusCode: StatusCodes.Status400BadRequest, title: "bad input");
        }
    }
}
