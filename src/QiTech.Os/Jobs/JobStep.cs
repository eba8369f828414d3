namespace QiTech.Os.Jobs;

/// <summary>One named phase of a job ("stop units", "flip /etc"), with optional progress.</summary>
public sealed record JobStep(string Name, JobState State, int? Percent);
