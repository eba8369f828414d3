namespace QiTech.Os.Sources;

/// <summary>
/// What changed up to a target: the CHANGELOG file at that commit when the tree has one
/// (<see cref="FromFile"/> names it), else the commit subjects since the running version.
/// </summary>
public sealed record Changelog(string Ref, GitCommitHash Commit, string? FromFile, string Text);
