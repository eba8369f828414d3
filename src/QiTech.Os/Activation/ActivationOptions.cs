using QiTech.Os.Generations;
using QiTech.Os.Health;


namespace QiTech.Os.Activation;

/// <summary>
/// How a switch or test treats the version it starts: it waits for the units' health checks
/// (each a step in <see cref="Steps"/>), and when a unit fails to start or a check fails
/// (or the wait is cancelled) switches back live to what ran before — unless
/// <see cref="RollBack"/> is false (<c>--no-rollback</c>, to debug the failed version).
/// <see cref="Origin"/> is recorded with the generation a switch or boot makes or reuses.
/// <see cref="CancelGuard"/> hears when a cancel cannot take effect: from the journal on,
/// except during the health wait.
/// </summary>
public sealed record ActivationOptions(bool RollBack = true, IStepReporter? Steps = null, GenerationOrigin? Origin = null, ICancelGuard? CancelGuard = null)
{
    public static readonly ActivationOptions Default = new();
}
