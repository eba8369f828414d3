using QiTech.Os.Activation;
using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Jobs;
using QiTech.Os.Sources;
using QiTech.Os.Updates;

namespace QiTech.Os.Daemon.Api;

/// <summary>
/// The machine's update source: its URL and private-repository token (write-only: answers
/// say only whether one is set; bound to the https host of the source it was set for), the
/// targets it offers, a changelog, and installing a ref as an <c>update</c> job
/// (<see cref="UpdateJob"/>).
/// </summary>
public static class UpdateEndpoints
{
    public static void MapUpdateEndpoints(this WebApplication app)
    {
        app.MapGet(DaemonEndpoints.Source.Route, (SystemHost host) =>
            Results.Ok(new SourceJson(SourceChange.Stored(host.Layout), new SourceTokenStore(host.Layout).HasToken, false)));

        app.MapPut(DaemonEndpoints.SetSource.Route, async (SourceRequest request, SystemHost host, CancellationToken cancel) =>
        {
            var change = await SourceChange.ApplyAsync(host.Layout, SourceUrl.ParseInput(request.Url, "url"), cancel);
            return Results.Ok(new SourceJson(change.Url.Url, new SourceTokenStore(host.Layout).HasToken, change.TokenCleared, change.Check));
        });

        app.MapPut(DaemonEndpoints.SetToken.Route, (TokenRequest request, SystemHost host) =>
        {
            if (string.IsNullOrWhiteSpace(request.Token))
            {
                throw new BadInputException("token: must not be empty (DELETE /v1/update/token clears it)");
            }
            // The token belongs to the machine's source as it is now.
            new SourceTokenStore(host.Layout).Set(request.Token, SourceSettings.Choose(host.Layout, null));
            return Results.NoContent();
        });

        app.MapDelete(DaemonEndpoints.ClearToken.Route, (SystemHost host) =>
        {
            new SourceTokenStore(host.Layout).Clear();
            return Results.NoContent();
        });

        app.MapGet(DaemonEndpoints.Targets.Route, async (int? commits, SystemHost host, CancellationToken cancel) =>
        {
            var recent = commits ?? GitSource.DefaultRecentCommits;
            if (recent is < 0 or > GitSource.MaxRecentCommits)
            {
                throw new BadInputException($"commits: {recent} is not between 0 and {GitSource.MaxRecentCommits}");
            }
            var source = GitSource.Open(host.Layout, SourceSettings.Choose(host.Layout, null));
            var targets = await source.ListTargetsAsync(recent, cancel);
            return Results.Ok(targets.Select(TargetJson.From).ToList());
        });

        app.MapGet(DaemonEndpoints.Changelog.Route, async (string? @ref, SystemHost host, CancellationToken cancel) =>
        {
            var name = GitRefName.ParseInput(@ref, "ref");
            var source = GitSource.Open(host.Layout, SourceSettings.Choose(host.Layout, null));
            var changelog = await source.ChangelogAsync(name, cancel);
            return Results.Ok(new ChangelogJson(changelog.Ref, changelog.Text, changelog.Commit.Hex, changelog.FromFile));
        });

        app.MapPost(DaemonEndpoints.Install.Route, (InstallRequest request, SystemHost host, JobRunner runner) =>
        {
            // Everything the request names is checked here, so bad input starts no job.
            var name = GitRefName.ParseInput(request.Ref, "ref");
            var mode = request.Mode is ActivationMode.Switch or ActivationMode.Boot or ActivationMode.Test
                ? request.Mode
                : throw new BadInputException("mode: an update installs with switch, boot or test");
            var url = SourceSettings.Choose(host.Layout, request.Source, "source");
            var update = new UpdateRequest(url, name, mode, UpdateConfigFile.Check(request.ConfigFile, host.Layout), request.NoRollback != true);
            return JobResults.Start(runner, JobKind.Update, context => UpdateJob.RunAsync(host, update, context));
        });
    }
}
