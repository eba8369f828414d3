using QiTech.Os.Activation;
using QiTech.Os.Contract;
using QiTech.Os.Generations;

namespace QiTech.Control.Server.Daemon;

/// <summary>
/// Switching, rolling back and deleting generations. Operations that take time start a daemon
/// job and return its id; the daemon refuses a second job while one runs
/// (<see cref="QiTech.Os.Client.DaemonException.RunningJobId"/>).
/// </summary>
public interface IGenerationControl
{
    Task<int> ActivateAsync(ActivateRequest request, CancellationToken cancel);

    Task<int> RollbackAsync(ActivationMode mode, CancellationToken cancel);

    Task DeleteGenerationAsync(GenerationNumber number, CancellationToken cancel);

    Task DeleteGenerationsAsync(string spec, CancellationToken cancel);

    Task<int> CollectGarbageAsync(bool dryRun, CancellationToken cancel);
}
