using QiTech.Control.Server.Daemon;
using QiTech.Os.Activation;
using QiTech.Os.Contract;

namespace QiTech.Control.Server.Api;

/// <summary>The update source (token write-only), its targets and changelogs, installing one; bundles on removable media.</summary>
public static class UpdateApi
{
    public static void MapUpdateApi(this RouteGroupBuilder api)
    {
        api.MapGet("/update/source", (IUpdateSourceSettings daemon, CancellationToken cancel) => daemon.GetSourceAsync(cancel))
            .WithSummary("The source URL and whether a token is set (the token is never returned)");
        api.MapPut("/update/source", async (SourceRequest request, IUpdateSourceSettings daemon, CancellationToken cancel) =>
                TypedResults.Ok(await daemon.SetSourceUrlAsync(ApiInput.SourceUrl(request.Url), cancel)))
            .WithSummary("Set the source URL; a token set for another host is cleared (tokenCleared: true)");
        api.MapPut("/update/token", async (TokenRequest request, IUpdateSourceSettings daemon, CancellationToken cancel) =>
            {
                await daemon.SetTokenAsync(ApiInput.Token(request.Token), cancel);
                return TypedResults.NoContent();
            })
            .WithSummary("Set the private-repository token (write-only)");
        api.MapDelete("/update/token", async (IUpdateSourceSettings daemon, CancellationToken cancel) =>
            {
                await daemon.ClearTokenAsync(cancel);
                return TypedResults.NoContent();
            })
            .WithSummary("Clear the token");
        api.MapGet("/update/targets", (int? commits, IUpdateTargets daemon, CancellationToken cancel) =>
                daemon.GetTargetsAsync(commits ?? QiTech.Os.Sources.GitSource.DefaultRecentCommits, cancel))
            .WithSummary("Tags, branches and the newest commits (commits=N, default 20), with dates, whether older than the running version, and why a name cannot be installed");
        api.MapGet("/update/changelog", (string @ref, IUpdateTargets daemon, CancellationToken cancel) =>
                daemon.GetChangelogAsync(ApiInput.GitRef(@ref), cancel))
            .WithSummary("Any tag, branch or commit checked: what it resolves to and its CHANGELOG.md, else the commits since the running version");
        api.MapPost("/update/install", async (InstallUpdateRequest request, IUpdateTargets daemon, CancellationToken cancel) =>
                SystemApi.Started(await daemon.InstallAsync(ApiInput.GitRef(request.Ref), request.Mode, cancel)))
            .WithSummary("Fetch, build and activate a ref (switch, boot or test); starts the update job");
        api.MapGet("/update/bundles", (IUpdateBundles daemon, CancellationToken cancel) => daemon.GetBundlesAsync(cancel))
            .WithSummary("Offline bundles on removable media: version, signer, size and changelog, or why one cannot be installed");
        api.MapPost("/update/bundles/install", async (InstallBundleRequest request, IUpdateBundles daemon, CancellationToken cancel) =>
                SystemApi.Started(await daemon.InstallBundleAsync(ApiInput.BundleFile(request.File), request.Mode, cancel)))
            .WithSummary("Install a listed bundle (switch, boot or test) after its signature is checked; starts the install-bundle job");
    }
}

/// <summary>A bundle from removable media, by the path the bundle list gives.</summary>
public sealed record InstallBundleRequest(string File, ActivationMode Mode);

/// <summary>An update from the machine's source, building the configuration this server is set up with.</summary>
public sealed record InstallUpdateRequest(string Ref, ActivationMode Mode);
