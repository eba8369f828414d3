using QiTech.Os.Errors;

namespace QiTech.Os.Cli.Demo;

/// <summary>
/// The host programs the demo needs, checked before anything starts: a missing one is named
/// with the Debian package that installs it, instead of failing minutes later inside a build.
/// </summary>
public static class DemoPrerequisites
{
    private static readonly (string Program, string Package, string Use)[] Programs =
    [
        ("git", "git", "reads the checkout"),
        ("bwrap", "bubblewrap", "sandboxes the package builds"),
        ("setsid", "util-linux", "starts the daemon and each service in its own session"),
        // The libraries it links against come with it: a check for gcc alone would pass a build that cannot link.
        ("gcc", "gcc libc6-dev zlib1g-dev", "links the CLI compiled ahead of time"),
    ];

    /// <summary>Throws, naming every missing program and the one command that installs them all.</summary>
    public static void Ensure(string? searchPath)
    {
        var folders = (searchPath ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        var missing = Programs.Where(p => !folders.Any(f => IsExecutable(Path.Combine(f, p.Program)))).ToList();
        if (missing.Count > 0)
        {
            throw new QiTechOsException(
                $"demo: {string.Join(", ", missing.Select(m => $"{m.Program} (it {m.Use})"))} not found on PATH; install with: apt-get install {string.Join(' ', missing.Select(m => m.Package).Distinct())}");
        }
    }

    private static bool IsExecutable(string file) =>
        File.Exists(file) && (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
