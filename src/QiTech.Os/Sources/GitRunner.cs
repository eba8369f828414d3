using System.Diagnostics;
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

    private readonly SystemLayout _layout;
    private readonly string? _token;
    private readonly string? _tokenHost;

    /// <param name="token">The access token, or null.</param>
    /// <param name="tokenHost">The host (and port) of the https URL the token is for, as the URL writes it.</param>
    public GitRunner(SystemLayout layout, string? token, string? tokenHost)
    {
        _layout = layout;
        _token = tokenHost == null ? null : token;
        _tokenHost = tokenHost;
    }

    public string Scrub(string text) =>
        string.IsNullOrEmpty(_token) ? text : text.Replace(_token, "***", StringComparison.Ordinal);

    /// <summary>Runs git to the end; cancelling kills git and everything it started.</summary>
    public async Task<GitResult> RunAsync(IReadOnlyList<string> args, CancellationToken cancel, string? workDir = null, byte[]? stdin = null)
    {
        using var process = Start(args, workDir);
        using var kill = cancel.Register(() => KillTree(process));
        try
        {
            return await RunStartedAsync(process, stdin, cancel);
        }
        finally
        {
            ProcessPipes.Close(process);
        }
    }

    private async Task<GitResult> RunStartedAsync(Process process, byte[]? stdin, CancellationToken cancel)
    {
        var stdoutTask = ReadAllAsync(process.StandardOutput.BaseStream);
        var stderrTask = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            if (stdin != null)
            {
                await process.StandardInput.BaseStream.WriteAsync(stdin, CancellationToken.None);
            }
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // git may exit before reading its input; its exit code tells why.
        }
        await process.WaitForExitAsync(CancellationToken.None);
        var stdout = await stdoutTask;
        var stderr = await stderrTask;
        cancel.ThrowIfCancellationRequested();
        return new GitResult(process.ExitCode, stdout, Scrub(stderr));
    }

    /// <summary>Starts git with redirected streams, for callers that talk to it (cat-file --batch).</summary>
    public Process Start(IReadOnlyList<string> args, string? workDir = null)
    {
        var psi = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? _layout.Root,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        // A private certificate authority for https sources is the one git setting kept.
        foreach (var name in psi.Environment.Keys.Where(k => (k.StartsWith("GIT_", StringComparison.Ordinal) && k is not ("GIT_SSL_CAINFO" or "GIT_SSL_CAPATH"))
                     || k.StartsWith("SSH_ASKPASS", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(name);
        }
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        psi.Environment["GIT_ALLOW_PROTOCOL"] = "https:http:ssh:git:file";
        psi.Environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes";
        psi.Environment["LC_ALL"] = "C";
        psi.Environment.Remove(TokenVariable);
        psi.Environment.Remove(HostVariable);
        if (!string.IsNullOrEmpty(_token))
        {
            psi.Environment["GIT_ASKPASS"] = EnsureAskpassHelper();
            psi.Environment[TokenVariable] = _token;
            psi.Environment[HostVariable] = _tokenHost;
        }
        return Process.Start(psi) ?? throw new SourceException("cannot start git: is it installed?");
    }

    internal static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private string EnsureAskpassHelper()
    {
        var path = _layout.ServiceStateDir + "/git-askpass";
        if (File.Exists(path) && File.ReadAllText(path) == AskpassScript)
        {
            return path;
        }
        Directory.CreateDirectory(_layout.ServiceStateDir);
        var temp = path + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
        File.WriteAllText(temp, AskpassScript);
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Move(temp, path, overwrite: true);
        return path;
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, CancellationToken.None);
        return buffer.ToArray();
    }
}
