using QiTech.Os.Errors;

namespace QiTech.Os.Build;

/// <summary>
/// The NuGet feed a .NET package restores from, as a derivation with a built-in builder (as
/// Nix's <c>builtin:fetchurl</c>): its output path follows from the pinned packages (id,
/// version, content hash), so evaluation names it without downloading anything, and it is
/// fetched only when a package that restores from it really builds. A machine that fetches the
/// built package from a cache never downloads its NuGet packages.
/// </summary>
public static class NuGetFeed
{
    public const string Builder = "builtin:nuget-feed";

    private const string PackagesVariable = "packages";

    /// <summary>The feed of <paramref name="packages"/> (each once, in file name order).</summary>
    public static Derivation Create(IEnumerable<NuGetPackage> packages) => new()
    {
        Name = NuGetFetcher.StoreName,
        Builder = Builder,
        Env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PackagesVariable] = string.Join('\n', packages.DistinctBy(p => p.FileName).OrderBy(p => p.FileName, StringComparer.Ordinal)
                .Select(p => $"{p.Id} {p.Version} {p.ContentHash}")),
        },
    };

    /// <summary>Writes the checked .nupkg files the feed derivation pins into <paramref name="output"/>.</summary>
    public static async Task FetchAsync(Derivation feed, string output, IProgress<string>? log, CancellationToken cancel)
    {
        if (!feed.Env.TryGetValue(PackagesVariable, out var text))
        {
            throw new BuildException($"'{feed.Name}' names no NuGet packages");
        }
        var packages = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ') switch
        {
            [var id, var version, var hash] => new NuGetPackage(id, version, hash),
            _ => throw new BadInputException($"'{feed.Name}': '{line}' is not 'id version sha512'"),
        }).ToList();
        log?.Report($"fetching {packages.Count} NuGet packages");
        using var http = new HttpClient();
        await new NuGetFetcher(http).WriteFeedAsync(packages, output, cancel);
    }
}
