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

    /// <summary>The update step from which on a cancel comes too late: activation always completes.</summary>
    public const string Activate = "activate";

    public static IReadOnlyList<StepView> Steps(JobJson job)
    {
        var steps = job.Steps.Select(StepView.From).ToList();
        if (job.Kind != JobKind.Update)
        {
            return steps;
        }
        // After the last pipeline step the daemon began, the ones it has not (yet) begun.
        var last = steps.Select(s => IndexOf(s.Name)).DefaultIfEmpty(-1).Max();
        return [.. steps, .. UpdateSteps.Skip(last + 1).Select(StepView.Pending)];
    }

    /// <summary>
    /// The share done, 0–100: finished steps whole, the running, failed or cancelled one by its
    /// percent. An update counts its five pipeline steps only (health checks belong to
    /// "activate"), and stays below 100 until it succeeded.
    /// </summary>
    public static int Percent(JobJson job)
    {
        if (job.Succeeded)
        {
            return 100;
        }
        var steps = Steps(job);
        if (job.Kind == JobKind.Update)
        {
            steps = [.. steps.Where(s => IndexOf(s.Name) >= 0)];
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

    /// <summary>An update whose activation has begun: a cancel would change nothing, so none is offered.</summary>
    public static bool ActivationBegun(JobJson job) =>
        job.Kind == JobKind.Update && job.Steps.Any(s => s.Name == Activate || IndexOf(s.Name) < 0);

    /// <summary>The step running now, if any.</summary>
    public static JobStepJson? Running(JobJson job) => job.Steps.LastOrDefault(s => s.State == JobState.Running);

    private static int IndexOf(string name) => UpdateSteps.IndexOf(name);

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
