namespace QiTech.Os.Services;

/// <summary>
/// One <c>ExecStart=</c> line with its prefixes taken off. The words are split when the
/// service starts, because <c>$VAR</c> and <c>${VAR}</c> need the service's environment.
/// </summary>
/// <param name="CommandLine">The text after the prefixes, specifiers already resolved.</param>
/// <param name="IgnoreFailure">'-': a non-zero exit status counts as success.</param>
/// <param name="NoSubstitution">':': no environment variable substitution.</param>
/// <param name="Location">"file:line", for errors at start time.</param>
public sealed record ExecCommand(string CommandLine, bool IgnoreFailure, bool NoSubstitution, string Location);
