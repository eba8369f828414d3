using System.Text.RegularExpressions;
using QiTech.Os.Client;

namespace QiTech.Control.Server.Components;

/// <summary>
/// The daemon's one-line errors, precise for logs and scripts, said as sentences an operator
/// can act on. What is not recognised is shown as the daemon wrote it.
/// </summary>
public static partial class OperatorWording
{
    public static string Of(Exception e) => e is DaemonException daemon ? Of(daemon.Message) : Format.Failure(e);

    public static string Of(string message)
    {
        if (UnknownRef().Match(message) is { Success: true } unknown)
        {
            return $"There is no version called '{unknown.Groups["ref"].Value}' in {unknown.Groups["source"].Value}: no tag, branch or commit has that name. Check the spelling, or load more commits.";
        }
        if (UpdateRunning().Match(message) is { Success: true } running)
        {
            return $"Another update (number {running.Groups["id"].Value}) is still running. Wait until it ends, or open it to follow or cancel it.";
        }
        if (JobRunning().Match(message) is { Success: true } job)
        {
            return $"The system is busy with another task ({job.Groups["kind"].Value}, number {job.Groups["id"].Value}). Try again when it has ended.";
        }
        if (SourceProblem().Match(message) is { Success: true } source)
        {
            var url = source.Groups["url"].Value;
            var what = source.Groups["what"].Value switch
            {
                "no git repository there" => $"there is no git repository at {url}.",
                var auth when auth.StartsWith("authentication failed", StringComparison.Ordinal) =>
                    $"the source {url} refused access. A private repository needs a valid token (set it below).",
                _ => $"the source {url} could not be reached. Check the address and the network.",
            };
            var saved = source.Groups["unsaved"].Success ? "Nothing was saved: " : "";
            return $"{saved}{(saved.Length > 0 ? what : char.ToUpperInvariant(what[0]) + what[1..])} Git says: {source.Groups["reason"].Value}";
        }
        if (BadRef().Match(message) is { Success: true } bad)
        {
            return $"'{bad.Groups["ref"].Value}' cannot be installed: {RefReason(bad.Groups["why"].Value)}";
        }
        return message;
    }

    /// <summary>Why a name cannot be installed, from the daemon's <see cref="QiTech.Os.Sources.GitRefError"/> wording.</summary>
    public static string RefReason(string why) => why switch
    {
        _ when why.Contains("looks like an option", StringComparison.Ordinal) =>
            "it starts with '-', and git would read such a name as an instruction instead of a name.",
        _ when why.Contains("control character or whitespace", StringComparison.Ordinal) =>
            "it contains a space, a tab or another invisible character, which no tag, branch or commit name may contain.",
        _ when why.Contains("revision syntax", StringComparison.Ordinal) =>
            "it contains ~ ^ : ? * [ or \\, which would make git look for something else than that name.",
        _ when why.Contains("reflog syntax", StringComparison.Ordinal) =>
            "it contains '@{', which would make git look for something else than that name.",
        _ => $"the name {why}.",
    };

    [GeneratedRegex(@"^(?:url: )?update source (?<url>.+?): (?<what>no git repository there|authentication failed \(check the access token\)|cannot \w+ the remote): (?<reason>.*?)(?<unsaved>; nothing was saved)?$")]
    private static partial Regex SourceProblem();

    [GeneratedRegex(@"^ref '(?<ref>.*)' is no tag, branch or commit of (?<source>.+)$")]
    private static partial Regex UnknownRef();

    [GeneratedRegex(@"^update (?<id>\d+) is running")]
    private static partial Regex UpdateRunning();

    [GeneratedRegex(@"^job (?<id>\d+) \((?<kind>[a-z-]+)\) is running")]
    private static partial Regex JobRunning();

    [GeneratedRegex(@"^ref '(?<ref>.*)' (?<why>starts with '-'.*|contains .*|is empty|is longer .*|has an empty component.*)$")]
    private static partial Regex BadRef();
}
