using QiTech.Os.Activation;
using QiTech.Os.Cache;
using QiTech.Os.Contract;
using QiTech.Os.Jobs;
using QiTech.Os.Updates;

namespace QiTech.Os.Daemon.Api;

/// <summary>
/// The <c>install-bundle</c> job: <see cref="BundleInstaller"/> with its steps, percent and log
/// lines going to the job. A cancel before activation stops it with nothing activated; during
/// activation proper it is refused, during the health wait it rolls back, as for an update.
/// </summary>
public static class BundleJob
{
    public static async Task RunAsync(SystemHost host, MediaBundle bundle, IReadOnlyList<NixPublicKey> keys, ActivationMode mode, bool rollBack, JobContext context)
    {
        var progress = new JobUpdateProgress(context);
        progress.Log($"installing the bundle {bundle.File}");
        var (signed, activation) = await new BundleInstaller(host.LocalStore, host.Manager)
            .InstallAsync(bundle.Physical, keys, mode, rollBack, progress, context.Cancel, new JobSteps(context), context);
        context.SetResult(new BundleInstallJson(bundle.File, signed.Manifest.Label, host.LocalStore.ParsePath(signed.Manifest.System), signed.Signer,
            ActivationJson.From(activation)));
        GenerationEndpoints.ThrowUnlessSucceeded(activation, context);
    }
}
