using QiTech.Os.Jobs;
using QiTech.Os.Sources;
using QiTech.Os.Updates;

namespace QiTech.Os.Daemon.Api;

/// <summary>An update's or a bundle install's steps, percent, time left and log lines as the job's; lines pass the <paramref name="scrubber"/> when given.</summary>
internal sealed class JobUpdateProgress(JobContext context, TokenScrubber? scrubber = null) : IUpdateProgress
{
    public void Step(string name) => context.Step(name);

    public void Progress(int percent) => context.Progress(percent);

    public void Log(string line) => context.Log(scrubber is null ? line : scrubber.Scrub(line));

    public void TimeLeft(TimeSpan? estimate) => context.TimeLeft(estimate);

    public void Part(int number, int count, string name, TimeSpan? left) => context.Part(number, count, name, left);
}
