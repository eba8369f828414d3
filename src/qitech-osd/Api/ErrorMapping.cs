using QiTech.Os.Errors;

namespace QiTech.Os.Daemon.Api;

/// <summary>Exceptions become RFC 7807 problem details: bad input 400, the rest 500, one-line detail.</summary>
public static class ErrorMapping
{
    public static async Task Middleware(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (QiTechOsException e) when (!context.Response.HasStarted)
        {
            await Problem(context, e.ExitCode == 2 ? StatusCodes.Status400BadRequest : StatusCodes.Status500InternalServerError, e.Message);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // A field the contract refuses: its name and why ("request body: mode: 'x' is not one of …").
            var detail = e.InnerException is System.Text.Json.JsonException { Path: { Length: > 2 } path } json
                ? $"{path[2..]}: {json.Message}"
                : e.Message;
            await Problem(context, StatusCodes.Status400BadRequest, "request body: " + detail);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (a follow stream closed): nothing to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted && e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            await Problem(context, StatusCodes.Status500InternalServerError, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    public static Task Problem(HttpContext context, int status, string detail, object? extra = null) =>
        Results.Problem(
            detail: detail,
            statusCode: status,
            title: Title(status),
            extensions: extra == null ? null : new Dictionary<string, object?> { ["jobId"] = extra })
        .ExecuteAsync(context);

    public static IResult ProblemResult(int status, string detail, int? jobId = null) =>
        Results.Problem(
            detail: detail,
            statusCode: status,
            title: Title(status),
            extensions: jobId == null ? null : new Dictionary<string, object?> { ["jobId"] = jobId });

    private static string Title(int status) => status switch
    {
        400 => "Bad request",
        403 => "Forbidden",
        404 => "Not found",
        409 => "Conflict",
        501 => "Not implemented",
        _ => "Internal error",
    };
}
