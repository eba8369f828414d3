using QiTech.Os.Activation;
using QiTech.Os.Errors;
using QiTech.Os.Jobs;
using QiTech.Os.Sources;
using QiTech.Os.Updates;

namespace QiTech.Os.Daemon.Api;

/// <summary>
/// The machine's update source: its URL and private-repository token (write-only: answers
/// say only whether one is set), the targets it offers, a changelog, and installing a ref
/// as an <c>update</c> job (<see cref="UpdateJob"/>).
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

        group.MapPost("/install", (InstallRequest request, SystemHost host, JobRunner runner) =>
        {
            // Everything the request names is checked here, so bad input starts no job.
            var name = GitRefName.ParseInput(request.Ref, "ref");
            var mode = request.Mode switch
            {
                "switch" => ActivationMode.Switch,
                "boot" => ActivationMode.Boot,
                "test" => ActivationMode.Test,
                _ => throw new BadInputException("mode: an update installs with switch, boot or test"),
            };
            var url = SourceSettings.Choose(host.Layout, request.Source, "source");
            var update = new UpdateRequest(url, name, mode, UpdateConfigFile.Check(request.ConfigFile, host.Layout), request.NoRollback != true);
            return JobResults.Start(runner, "update", context => UpdateJob.RunAsync(host, update, context));
        });
    }

    private sealed record SourceRequest(string? Url);

    private sealed record TokenRequest(string? Token);

    private sealed record SourceJson(string? Url, bool HasToken);

    private sealed record TargetJson(string Kind, string Name, string Commit, string Date, string Subject, bool OlderThanRunning, bool Running);

    private sealed record ChangelogJson(string Ref, string Text);
}
