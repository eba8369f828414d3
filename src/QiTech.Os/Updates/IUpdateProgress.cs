namespace QiTech.Os.Updates;

/// <summary>Where an update reports its steps, percent and log lines (the daemon's job, or the terminal).</summary>
public interface IUpdateProgress
{
    void Step(string name);

    void Progress(int percent);

    void Log(string line);

    /// <summary>How long the current step should still take (during "build packages", from earlier builds); null while unknown.</summary>
    void TimeLeft(TimeSpan? estimate)
    {
    }

    /// <summary>The part of the current step in hand (during "build packages", package n of m) and its own estimate.</summary>
    void Part(int number, int count, string name, TimeSpan? left)
    {
    }
}
