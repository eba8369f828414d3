using QiTech.Os.Jobs;

namespace QiTech.Os.Health;

/// <summary>
/// Where an activation shows the steps after its switch (each unit's check, a rollback): a
/// daemon job's steps, or lines in the terminal. <see cref="Begin"/> ends an open step as
/// succeeded, as a job's steps do.
/// </summary>
public interface IStepReporter
{
    void Begin(string step);

    /// <summary>Ends the open step with <paramref name="state"/> (succeeded, failed or cancelled).</summary>
    void End(JobState state);
}
