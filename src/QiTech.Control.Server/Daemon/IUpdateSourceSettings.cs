using QiTech.Os.Contract;

namespace QiTech.Control.Server.Daemon;

/// <summary>
/// The machine's update source. The token is write-only: it can be set or cleared and is
/// never read back; <see cref="SourceJson.HasToken"/> says whether one is set.
/// </summary>
public interface IUpdateSourceSettings
{
    Task<SourceJson> GetSourceAsync(CancellationToken cancel);

    /// <summary>Sets the URL; a token set for another host is cleared, and the answer says so.</summary>
    Task<SourceJson> SetSourceUrlAsync(string url, CancellationToken cancel);

    Task SetTokenAsync(string token, CancellationToken cancel);

    Task ClearTokenAsync(CancellationToken cancel);
}
