using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Sources;

/// <summary>
/// Runs the real git as a child process with an argument list (never a shell), in a clean
/// environment: no system or user config, no terminal prompts, only plain transports. The
/// token reaches git through an askpass helper that reads it from the environment, so it
/// is in no argument, URL or config; any stderr relayed is scrubbed of it.
/// </summary>
internal sealed class GitRunner
{
    internal const string TokenVariable = "QITECH_GIT_TOKEN";
    internal const string HostVariable = "QITECH_GIT_TOKEN_HOST";

    // Git names the URL it asks for in its prompt ("Password for 'https://user@host:port': "):
    // the helper answers only for the host the token belongs to, so a redirect elsewhere gets
    // no token.
    private const string AskpassScript =
        "#!/bin/sh\n# Answers git's credential prompts with the update source's access token, for its own host only.\n" +
        "case \"$1\" in\n" +
        "  \"Username for 'https://$" + HostVariable + "'\"*) printf '%s\\n' x-access-token ;;\n" +
        "  \"Password for 'https://x-access-token@$" + HostVariable + "'\"*) printf '%s\\n' \"$" + TokenVariable + "\" ;;\n" +
        "  *) exit 1 ;;\nesac\n";

    private readonly SystemLayout? _layout;
    private readonly string? _token;
    private readonly string? _tokenHost;

    /// <param name="layout">Where the askpass helper lives and where git runs by default (the root); null: a git without a token, always given its folder.</param>
    /// <param name="token">The access token, or null.</param>
    /// <param name="tokenHost">The host (and port) of the https URL the token is for, as the URL writes it.</param>
    public GitRunner(SystemLayout? layout, string? token = null, string? tokenHost = null)
    {
        _layout = layout;
        _token = tokenHost == null || layout == null ? null : token;
        _tokenHost = tokenHost;
    }

    /// <summary>A git for local checkouts (no token), each run given its folder.</summary>
    public static GitRunner Local { get; } = new(null);

    public string Scrub(string text) =>
        string.IsNullOrEmpty(_token) ? text : text.Replace(_token, "***", StringComparison.Ordinal);

    /// <summary>Runs git to the end; cancelling kills git and everything it started.</summary>
    public async Task<GitResult> RunAsync(IReadOnlyList<string> args, CancellationToken cancel, string? workDir = null, byte[]? stdin = null)
    {
        var result = await ProcessRunner.RunAsync(Command(args, workDir) with { Input = stdin }, cancel);
        return new GitResult(result.ExitCode, result.Stdout, Scrub(result.Stderr));
    }

    /// <summary>As <see cref="RunAsync"/>, for synchronous callers (a source snapshot, the version of a checkout).</summary>
    public GitResult Run(IReadOnlyList<string> args, string workDir, CancellationToken cancel)
    {
        var result = ProcessRunner.Run(Command(args, workDir), cancel);
        return new GitResult(result.ExitCode, result.Stdout, Scrub(result.Stderr));
    }

    /// <summary>Starts git with redirected streams, for callers that talk to it (cat-file --batch).</summary>
    public RunningProcess Start(IReadOnlyList<string> args, string? workDir = null) => ProcessRunner.Start(Command(args, workDir));

    /// <summary>git with the hardened environment: no system or user config, no prompt, plain transports only.</summary>
    internal ProcessCommand Command(IReadOnlyList<string> args, string? workDir)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
            ["GIT_ALLOW_PROTOCOL"] = "https:http:ssh:git:file",
            ["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes",
            // Its messages are read and matched.
            ["LC_ALL"] = "C",
        };
        if (!string.IsNullOrEmpty(_token))
        {
            environment["GIT_ASKPASS"] = EnsureAskpassHelper(_layout!);
            environment[TokenVariable] = _token;
            environment[HostVariable] = _tokenHost!;
        }
        return new ProcessCommand("git", args)
        {
            WorkingDirectory = workDir ?? ExistingRoot(),
            Inherit = Inherited,
            Environment = environment,
        };
    }

    /// <summary>
    /// The root, where git runs when given no folder. A root that is not there is the caller's
    /// mistake (a mistyped <c>--root</c>), said as such rather than as a failure to start git.
    /// </summary>
    private string? ExistingRoot() =>
        _layout == null || Directory.Exists(_layout.Root) ? _layout?.Root
            : throw new Errors.BadInputException($"root {_layout.Root}: no such folder");

    /// <summary>
    /// No git or askpass setting of the caller's reaches git, nor a token variable; a private
    /// certificate authority for https sources is the one git setting kept.
    /// </summary>
    private static bool Inherited(string name) =>
        !(name.StartsWith("GIT_", StringComparison.Ordinal) && name is not ("GIT_SSL_CAINFO" or "GIT_SSL_CAPATH"))
        && !name.StartsWith("SSH_ASKPASS", StringComparison.Ordinal)
        && name is not (TokenVariable or HostVariable);

    private static string EnsureAskpassHelper(SystemLayout layout)
    {
        var path = layout.ServiceStateDir + "/git-askpass";
        if (File.Exists(path) && File.ReadAllText(path) == AskpassScript)
        {
            return path;
        }
        Directory.CreateDirectory(layout.ServiceStateDir);
        var temp = path + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
        File.WriteAllText(temp, AskpassScript);
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Move(temp, path, overwrite: true);
        return path;
    }
}
