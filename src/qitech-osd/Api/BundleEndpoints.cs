using QiTech.Os.Activation;
using QiTech.Os.Cache;
using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Jobs;

namespace QiTech.Os.Daemon.Api;

/// <summary>
/// Offline bundles on removable media: the list (each checked against the trusted keys, or why
/// it is refused) and installing one of them as an <c>install-bundle</c> job
/// (<see cref="BundleJob"/>). Only a listed bundle installs, and only when its signature holds.
/// </summary>
public static class BundleEndpoints
{
    public static void MapBundleEndpoints(this WebApplication app)
    {
        app.MapGet(DaemonEndpoints.Bundles.Route, async (SystemHost host, CancellationToken cancel) =>
            Results.Ok((await MediaBundles.ListAsync(host.Layout, cancel)).Select(MediaBundleJson.From).ToList()));

        app.MapPost(DaemonEndpoints.InstallBundle.Route, async (BundleInstallRequest request, SystemHost host, JobRunner runner, CancellationToken cancel) =>
        {
            // Checked here, so a bundle that is not on a medium, signed by an unknown key or tampered starts no job.
            var mode = request.Mode is ActivationMode.Switch or ActivationMode.Boot or ActivationMode.Test
                ? request.Mode
                : throw new BadInputException("mode: a bundle installs with switch, boot or test");
            var bundle = await MediaBundles.FindAsync(host.Layout, request.File ?? "", cancel);
            if (bundle.Refusal is { } refusal)
            {
                throw new BadInputException($"{bundle.File}: {refusal}; nothing was changed");
            }
            if (runner.Running is { } busy)
            {
                return JobResults.Busy(busy);
            }
            var keys = TrustedKeys.OfRunningSystem(host.Layout);
            return JobResults.Start(runner, JobKind.InstallBundle, context => BundleJob.RunAsync(host, bundle, keys, mode, request.NoRollback != true, context));
        });
    }
}
