using QiTech.Os.Activation;
using QiTech.Os.Cache;
using QiTech.Os.Health;
using QiTech.Os.Store;

namespace QiTech.Os.Updates;

/// <summary>
/// Installing an offline bundle: its signature is checked against the trusted keys before
/// anything is read, every path as it is imported (a tampered or truncated bundle registers
/// nothing of what failed and activates nothing), then its system is activated as an update's,
/// with the same health wait and live rollback.
/// </summary>
public sealed class BundleInstaller(LocalStore store, SystemManager manager)
{
    public const string CheckStep = "check bundle";
    public const string ImportStep = "import";
    public const string ActivateStep = "activate";

    public async Task<(SignedManifest Bundle, ActivationResult Activation)> InstallAsync(
        string file, IReadOnlyList<NixPublicKey> trustedKeys, ActivationMode mode, bool rollBack, IUpdateProgress progress, CancellationToken cancel,
        IStepReporter? steps = null, ICancelGuard? cancelGuard = null)
    {
        // From the imported closure to the new generation's link, nothing new is rooted yet.
        using var unrooted = store.HoldOffGarbageCollection();
        progress.Step(CheckStep);
        var signed = await Bundle.ReadManifestAsync(file, trustedKeys, cancel);
        var manifest = signed.Manifest;
        progress.Log($"{file}: version {manifest.Label} ({manifest.Commit ?? "no commit"}), {manifest.Paths} paths, signed by '{signed.Signer}'");
        progress.Progress(100);

        progress.Step(ImportStep);
        await Bundle.ImportAsync(store, file, trustedKeys, new ImportProgress(progress), cancel);
        progress.Log("system " + manifest.System);
        progress.Progress(100);

        cancel.ThrowIfCancellationRequested();
        progress.Step(ActivateStep);
        var activation = await manager.ActivateAsync(mode, new ActivationTarget.Path(store.ParsePath(manifest.System)), new LineProgress(progress), cancel,
            new ActivationOptions(rollBack, steps, null, cancelGuard));
        progress.Progress(100);
        return (signed, activation);
    }

    private sealed class ImportProgress(IUpdateProgress progress) : IProgress<CacheProgress>
    {
        public void Report(CacheProgress value)
        {
            if (value.PathsTotal > 0)
            {
                progress.Progress(100 * value.PathsDone / value.PathsTotal);
            }
            progress.TimeLeft(value.TimeLeft);
            if (value.Finished is { } path)
            {
                progress.Log("imported " + path);
            }
        }
    }

    private sealed class LineProgress(IUpdateProgress progress) : IProgress<string>
    {
        public void Report(string value) => progress.Log(value);
    }
}
