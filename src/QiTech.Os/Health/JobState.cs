namespace QiTech.Os.Health;

/// <summary>
/// The state of a job and of each of its steps. Activation reports its steps with it
/// (<see cref="IStepReporter"/>), so it sits with that interface, below the jobs that run activations.
/// </summary>
public enum JobState
{
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
