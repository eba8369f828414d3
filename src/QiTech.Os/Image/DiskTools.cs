using QiTech.Os.Errors;
using QiTech.Os.Platform;

namespace QiTech.Os.Image;

/// <summary>
/// The programs that make and write disks (mkfs, sfdisk, mtools, mount), checked and run one
/// way: a missing one is named with its Debian package, a failing one with its exit code and
/// its last lines.
/// </summary>
internal static class DiskTools
{
    /// <summary>Throws, naming every missing program and its package, unless all of <paramref name="tools"/> are here.</summary>
    public static void Require(string doing, IEnumerable<(string Program, string Package)> tools)
    {
        var missing = tools.Where(t => !File.Exists(t.Program)).Select(t => $"{t.Program} ({t.Package})").ToList();
        if (missing.Count > 0)
        {
            throw new QiTechOsException($"{doing} needs " + string.Join(", ", missing));
        }
    }

    public static async Task RunAsync(string program, IEnumerable<string> args, CancellationToken cancel,
        string? input = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var lines = new List<string>();
        var exit = await ProcessRunner.RunLinesAsync(new ProcessCommand(program, [.. args])
        {
            Environment = environment,
            Input = input == null ? null : System.Text.Encoding.UTF8.GetBytes(input),
        }, lines.Add, cancel);
        if (exit != 0)
        {
            throw new QiTechOsException($"{Path.GetFileName(program)} failed (exit {exit}): {string.Join(" / ", lines.TakeLast(3))}");
        }
    }
}
