using QiTech.Os.Contract;
using QiTech.Os.Health;
using QiTech.Os.Jobs;

namespace QiTech.Control.Server.Components.Progress;

/// <summary>
/// What the progress page shows of a job: its steps (an update's still to come or not run
/// included), the share done, whether it can still be cancelled. The share is computed the
/// same way whether the job runs or ended, so a cancel or a failure freezes it where it stopped.
/// </summary>
public static class JobProgressView
{
    /// <summary>The update pipeline's steps (the daemon lists a step only when it starts).</summary>
    public static readonly IReadOnlyList<string> UpdateSteps = ["fetch", "evaluate configuration", "build packages", "build system", "activate"];

    /// <summary>A bundle install's steps (<see cref="QiTech.Os.Updates.BundleInstaller"/>).</summary>
    public static readonly IReadOnlyList<string> BundleSteps =
        [QiTech.Os.Updates.BundleInstaller.CheckStep, QiTech.Os.Updates.BundleInstaller.ImportStep, QiTech.Os.Updates.BundleInstaller.ActivateStep];

    /// <summary>The update step from which on a cancel comes too late: activation always completes.</summary>
    public const string Activate = "activate";

    // The daemon's step names for a unit's health check and for a switch back (SystemManager, HealthGate).
    private const string CheckPrefix = "check ";
    private const string RollbackPrefix = "roll back to ";

    public static IReadOnlyList<StepView> Steps(JobJson job)
    {
        var steps = job.Steps.Select(StepView.From).ToList();
        if (PipelineOf(job.Kind) is not { } pipeline)
        {
            return steps;
        }
        // After the last pipeline step the daemon began, the ones it has not (yet) begun.
        var last = steps.Select(s => pipeline.IndexOf(s.Name)).DefaultIfEmpty(-1).Max();
        return [.. steps, .. pipeline.Skip(last + 1).Select(StepView.Pending)];
    }

    /// <summary>
    /// The share done, 0–100: finished steps whole, the running, failed or cancelled one by its
    /// percent. An update or a bundle install counts its pipeline steps only (health checks
    /// belong to "activate"), and stays below 100 until it succeeded.
    /// </summary>
    public static int Percent(JobJson job)
    {
        if (job.Succeeded)
        {
            return 100;
        }
        var steps = Steps(job);
        if (PipelineOf(job.Kind) is { } pipeline)
        {
            steps = [.. steps.Where(s => pipeline.IndexOf(s.Name) >= 0)];
        }
        if (steps.Count == 0)
        {
            return 0;
        }
        var done = steps.Sum(s => s.State switch
        {
            JobState.Succeeded => 1.0,
            JobState.Running or JobState.Failed or JobState.Cancelled => Math.Clamp((s.Percent ?? 0) / 100.0, 0, 1),
            _ => 0,
        });
        return Math.Min(99, (int)Math.Floor(100 * done / steps.Count));
    }

    /// <summary>
    /// A job in activation proper (pointers flip, units restart) or in a rollback: the daemon
    /// refuses a cancel there (409), so none is offered. The health wait after the activation
    /// (a running <c>check …</c> step before any <c>roll back to …</c>) takes a cancel and rolls back.
    /// </summary>
    public static bool CancelRefused(JobJson job)
    {
        if (PipelineOf(job.Kind) is not { } pipeline || !job.Steps.Any(s => s.Name == Activate || pipeline.IndexOf(s.Name) < 0))
        {
            return false;
        }
        var inHealthWait = job.Steps.Any(s => s.State == JobState.Running && s.Name.StartsWith(CheckPrefix, StringComparison.Ordinal));
        var rollingBack = job.Steps.Any(s => s.Name.StartsWith(RollbackPrefix, StringComparison.Ordinal));
        return !inHealthWait || rollingBack;
    }

    /// <summary>The steps of a job that works towards an activation (an update, a bundle install), else null.</summary>
    private static IReadOnlyList<string>? PipelineOf(JobKind kind) => kind switch
    {
        JobKind.Update => UpdateSteps,
        JobKind.InstallBundle => BundleSteps,
        _ => null,
    };

    /// <summary>The step running now, if any.</summary>
    public static JobStepJson? Running(JobJson job) => job.Steps.LastOrDefault(s => s.State == JobState.Running);

    private static int IndexOf(this IReadOnlyList<string> list, string name)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == name)
            {
                return i;
            }
        }
        return -1;
    }
}
