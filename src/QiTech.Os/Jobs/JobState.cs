namespace QiTech.Os.Jobs;

public enum JobState
{
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
