using QiTech.Os.Build;
using QiTech.Os.Nix;

namespace QiTech.Os.Cli.Commands;

/// <summary>Shows the package builds of <c>--config</c> commands on stderr, so stdout keeps only the result.</summary>
internal sealed class BuildLogProgress(StoreDirectory storeDir, bool checking = false) : IPackageBuildProgress
{
    public void Starting(string package, int index, int count) =>
        Console.Error.WriteLine($"{(checking ? "checking" : "building")} {package} ({index + 1}/{count})");

    public void Log(string package, string line) => Console.Error.WriteLine($"{package}> {line}");

    public void Finished(string package, StorePath output, bool built, TimeSpan duration) =>
        Console.Error.WriteLine(checking
            ? $"{package} rebuilt with the same bits: {storeDir.Render(output)}"
            : built
            ? $"built {package} in {duration.TotalSeconds:0.0} s: {storeDir.Render(output)}"
            : $"{package} is already built: {storeDir.Render(output)}");
}
