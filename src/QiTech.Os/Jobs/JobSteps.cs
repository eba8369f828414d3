using QiTech.Os.Health;

namespace QiTech.Os.Jobs;

/// <summary>A job's steps as an activation's <see cref="IStepReporter"/>.</summary>
public sealed class JobSteps(JobContext context) : IStepReporter
{
    public void Begin(string step) => context.Step(step);

    public void End(JobState state) => context.EndStep(state);
}
