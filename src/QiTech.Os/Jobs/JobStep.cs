namespace QiTech.Os.Jobs;

/// <summary>
/// One named phase of a job ("stop units", "flip /etc"), with optional progress and an
/// estimate of the seconds it still needs.
/// </summary>
public sealed record JobStep(string Name, JobState State, int? Percent, int? SecondsLeft = null);
