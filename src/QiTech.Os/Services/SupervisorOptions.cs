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

    /// <summary>
    /// How long a start waits to see the process survive: one that exits with a failure
    /// sooner fails the start itself (and a switch reports it with its last log lines).
    /// </summary>
    public TimeSpan StartSettleTime { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The clock of start limits, restart delays, stop timeouts and uptimes.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
