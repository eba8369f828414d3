using QiTech.Os.Errors;
using QiTech.Os.Sources;

namespace QiTech.Os.Daemon.Api;

/// <summary>
/// The machine's update source: its URL and private-repository token (write-only: answers
/// say only whether one is set), the targets it offers and a changelog. Installing through
/// the daemon is not served yet and answers 501, so clients can tell "absent" from "broken".
/// </summary>
public static class UpdateEndpoints
{
    public static void MapUpdateEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/v1/update");

        group.MapGet("/source", (SystemHost host) =>
        {
            var file = SourceSettings.OverrideFile(host.Layout);
            var url = File.Exists(file) ? File.ReadAllText(file).Trim() : null;
            return Results.Ok(new SourceJson(url, new SourceTokenStore(host.Layout).HasToken));
        });

        group.MapPut("/source", (SourceRequest request, SystemHost host) =>
        {
            var url = SourceUrl.ParseInput(request.Url, "url");
            var file = SourceSettings.OverrideFile(host.Layout);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            // Written beside and renamed, so a reader never sees half a URL.
            File.WriteAllText(file + ".new", url.Url + "\n");
            File.Move(file + ".new", file, overwrite: true);
            return Results.Ok(new SourceJson(url.Url, new SourceTokenStore(host.Layout).HasToken));
        });

        group.MapPut("/token", (TokenRequest request, SystemHost host) =>
        {
            if (string.IsNullOrWhiteSpace(request.Token))
            {
                throw new BadInputException("token: must not be empty (DELETE /v1/update/token clears it)");
            }
            new SourceTokenStore(host.Layout).Set(request.Token);
            return Results.NoContent();
        });

        group.MapDelete("/token", (SystemHost host) =>
        {
            new SourceTokenStore(host.Layout).Clear();
            return Results.NoContent();
        });

        group.MapGet("/targets", async (SystemHost host, CancellationToken cancel) =>
        {
            var source = GitSource.Open(host.Layout, SourceSettings.Choose(host.Layout, null));
            var targets = await source.ListTargetsAsync(GitSource.DefaultRecentCommits, cancel);
            return Results.Ok(targets.Select(t => new TargetJson(
                t.Kind.ToString().ToLowerInvariant(), t.Name, t.Commit.ToString(), t.Date.ToString("O"), t.Subject, t.OlderThanRunning, t.IsRunning)).ToList());
        });

        group.MapGet("/changelog", async (string? @ref, SystemHost host, CancellationToken cancel) =>
        {
            var name = GitRefName.ParseInput(@ref, "ref");
            var source = GitSource.Open(host.Layout, SourceSettings.Choose(host.Layout, null));
            var changelog = await source.ChangelogAsync(name, cancel);
            return Results.Ok(new ChangelogJson(changelog.Ref, changelog.Text));
        });

        group.MapPost("/install", () => ErrorMapping.ProblemResult(StatusCodes.Status501NotImplemented,
            "installing an update through the daemon is not available in this version; use 'qitech-os update install REF'"));
    }

    private sealed record SourceRequest(string? Url);

    private sealed record TokenRequest(string? Token);

    private sealed record SourceJson(string? Url, bool HasToken);

    private sealed record TargetJson(string Kind, string Name, string Commit, string Date, string Subject, bool OlderThanRunning, bool Running);

    private sealed record ChangelogJson(string Ref, string Text);
}
