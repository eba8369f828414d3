namespace QiTech.Os.Services;

/// <summary>Tunables of the embedded supervisor.</summary>
public sealed record SupervisorOptions
{
    /// <summary>Bound of one log file before it rotates.</summary>
    public long LogMaxBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How many rotated log files (<c>.1</c>, <c>.2</c>…) to keep.</summary>
    public int LogKeep { get; init; } = 3;

    /// <summary>As systemd's StartLimitBurst within StartLimitIntervalSec: a crash loop ends in "failed".</summary>
    public int StartLimitBurst { get; init; } = 5;

    public TimeSpan StartLimitInterval { get; init; } = TimeSpan.FromSeconds(10);
}
