namespace QiTech.Os.Updates;

/// <summary>Where an update reports its steps, percent and log lines (the daemon's job, or the terminal).</summary>
public interface IUpdateProgress
{
    void Step(string name);

    void Progress(int percent);

    void Log(string line);
}
