namespace QiTech.Os.Daemon.Api;

/// <summary>
/// The update source, targets, changelog and install belong to the update sources work and
/// are not served yet: each answers 501 so clients can tell "absent" from "broken".
/// </summary>
public static class UpdateEndpoints
{
    public static void MapUpdateEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/v1/update");
        IResult NotYet() => ErrorMapping.ProblemResult(StatusCodes.Status501NotImplemented, "updates from a git source are not available in this version");
        group.MapGet("/source", NotYet);
        group.MapPut("/source", NotYet);
        group.MapPut("/token", NotYet);
        group.MapDelete("/token", NotYet);
        group.MapGet("/targets", NotYet);
        group.MapGet("/changelog", NotYet);
        group.MapPost("/install", NotYet);
    }
}
