namespace QiTech.Os.Activation;

/// <summary>
/// The host steps activation runs after /etc changed and before units restart: on systemd,
/// sysusers, tmpfiles, sysctl and the udev rule reload. Errors are reported, not fatal.
/// </summary>
public interface ISystemSetup
{
    /// <summary>Returns one line per step that failed.</summary>
    Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancel);
}
