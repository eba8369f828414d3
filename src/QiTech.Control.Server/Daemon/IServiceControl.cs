namespace QiTech.Control.Server.Daemon;

/// <summary>Service logs, restarting a service and rebooting the machine.</summary>
public interface IServiceControl
{
    /// <summary>The last <paramref name="lines"/> lines of the unit's log.</summary>
    Task<IReadOnlyList<string>> ReadLogAsync(UnitName unit, int lines, CancellationToken cancel);

    /// <summary>The last lines, then every new line until cancelled.</summary>
    IAsyncEnumerable<string> FollowLogAsync(UnitName unit, int lines, CancellationToken cancel);

    Task RestartServiceAsync(UnitName unit, CancellationToken cancel);

    Task RebootAsync(CancellationToken cancel);
}
