using GenerationNumber = QiTech.Os.Generations.GenerationNumber;

namespace QiTech.Control.Server.Daemon;

/// <summary>
/// Switching, rolling back and deleting generations. Operations that take time start a daemon
/// job and return its id; the daemon refuses a second job while one runs
/// (<see cref="QiTech.Os.Client.DaemonException.RunningJobId"/>).
/// </summary>
public interface IGenerationControl
{
    Task<long> ActivateAsync(ActivateRequest request, CancellationToken cancel);

    Task<long> RollbackAsync(ActivationMode mode, CancellationToken cancel);

    Task DeleteGenerationAsync(GenerationNumber number, CancellationToken cancel);

    Task DeleteGenerationsAsync(string spec, CancellationToken cancel);

    Task<long> CollectGarbageAsync(bool dryRun, CancellationToken cancel);
}
