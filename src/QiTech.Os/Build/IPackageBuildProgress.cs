using QiTech.Os.Nix;

namespace QiTech.Os.Build;

/// <summary>What building a configuration's packages reports, package by package (every method optional).</summary>
public interface IPackageBuildProgress
{
    /// <summary>A package's build starts (<paramref name="index"/> from 0 of <paramref name="count"/>).</summary>
    void Starting(string package, int index, int count)
    {
    }

    /// <summary>One line the package's builder printed.</summary>
    void Log(string package, string line)
    {
    }

    /// <summary>The package is in the store: <paramref name="built"/> is false when it already was and nothing ran.</summary>
    void Finished(string package, StorePath output, bool built, TimeSpan duration)
    {
    }

    /// <summary>Packages are being fetched from a binary cache instead of built.</summary>
    void Fetching(Cache.CacheProgress progress)
    {
        var left = progress.TimeLeft is { } t ? $", about {Math.Ceiling(t.TotalSeconds)} s left" : ", estimating";
        var what = progress.Finished is { } path ? $": fetched {path}" : "";
        Log("substitute", $"[{progress.PathsDone}/{progress.PathsTotal} paths] {progress.BytesDone} of {progress.BytesTotal} bytes{left}{what}");
    }

    /// <summary>Share of the packages done, 0–100.</summary>
    void Percent(int percent)
    {
    }

    /// <summary>How long the remaining builds should take, from the last build of each; null while that cannot be told.</summary>
    void TimeLeft(TimeSpan? estimate)
    {
    }

    /// <summary>
    /// The package in hand, <paramref name="number"/> (from 1) of <paramref name="count"/>, and what it
    /// still needs by its own last build (null: never built before, or already slower than then).
    /// </summary>
    void Package(int number, int count, string name, TimeSpan? left)
    {
    }
}
