using QiTech.Os.Activation;
using QiTech.Os.Contract;

namespace QiTech.Control.Server.Daemon;

/// <summary>Offline bundles on removable media (a USB stick) and installing one.</summary>
public interface IUpdateBundles
{
    /// <summary>Every bundle found, with its version, signer and changelog, or why it cannot be installed.</summary>
    Task<IReadOnlyList<MediaBundleJson>> GetBundlesAsync(CancellationToken cancel);

    /// <summary>Starts installing the bundle at <paramref name="file"/> (as listed) and returns the job's id.</summary>
    Task<int> InstallBundleAsync(string file, ActivationMode mode, CancellationToken cancel);
}
