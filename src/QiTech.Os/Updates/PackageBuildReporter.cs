using QiTech.Os.Build;
using QiTech.Os.Nix;

namespace QiTech.Os.Updates;

/// <summary>Reports the "build packages" step of an update: each package's start, log lines and end as log lines.</summary>
internal sealed class PackageBuildReporter(IUpdateProgress progress, StoreDirectory storeDir) : IPackageBuildProgress
{
    public void Starting(string package, int index, int count) => progress.Log($"building {package} ({index + 1}/{count})");

    public void Log(string package, string line) => progress.Log($"{package}> {line}");

    public void Finished(string package, StorePath output, bool built, TimeSpan duration) =>
        progress.Log(built
            ? $"built {package} in {duration.TotalSeconds:0.0} s: {storeDir.Render(output)}"
            : $"{package} is already built: {storeDir.Render(output)}");

    public void Percent(int percent) => progress.Progress(percent);

    public void TimeLeft(TimeSpan? estimate) => progress.TimeLeft(estimate);

    public void Package(int number, int count, string name, TimeSpan? left) => progress.Part(number, count, name, left);
}
