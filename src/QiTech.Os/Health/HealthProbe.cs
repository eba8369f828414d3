using System.Net.Http;
using QiTech.Os.Activation;
using QiTech.Os.Config;
using QiTech.Os.Platform;
using QiTech.Os.Services;

namespace QiTech.Os.Health;

/// <summary>
/// One round of a check's probes: the URL answers 2xx, the command exits 0. The command runs
/// without a shell, as the daemon's user, with the system's <c>sw/bin</c> first on PATH; under
/// a folder root its absolute paths are mapped as <c>ExecStart=</c>'s are and it gets
/// <c>QITECH_ROOT</c>.
/// </summary>
internal sealed class HealthProbe(RootPathMapper mapper, string systemPhysicalPath) : IDisposable
{
    private const int OutputShown = 300;
    private static readonly string[] StandardPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    // No proxy (the URL is this machine), no redirects (2xx means this URL answered).
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>True when every probe of <paramref name="check"/> passes; the output says what each answered.</summary>
    public async Task<(bool Passed, string Output)> RunAsync(HealthCheck check, TimeSpan limit, CancellationToken cancel)
    {
        var outputs = new List<string>();
        var passed = true;
        if (check.Http is { } url)
        {
            var (ok, output) = await GetAsync(url, limit, cancel);
            passed &= ok;
            outputs.Add(output);
        }
        if (passed && check.Command is { } command)
        {
            var (ok, output) = await RunCommandAsync(command, limit, cancel);
            passed &= ok;
            outputs.Add(output);
        }
        return (passed, string.Join("; ", outputs));
    }

    public void Dispose() => _http.Dispose();

    private async Task<(bool, string)> GetAsync(Uri url, TimeSpan limit, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(limit);
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var status = (int)response.StatusCode;
            var body = Shorten(await response.Content.ReadAsStringAsync(timeout.Token));
            var answer = $"GET {url} answered {status} {response.ReasonPhrase}";
            return (status is >= 200 and < 300, body.Length == 0 ? answer : $"{answer}: {body}");
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return (false, $"GET {url}: no answer within {limit.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return (false, $"GET {url}: {e.InnerException?.Message ?? e.Message}");
        }
    }

    private async Task<(bool, string)> RunCommandAsync(string command, TimeSpan limit, CancellationToken cancel)
    {
        ExecLineSplitter.TryUnquote(command, out var words, out _);
        var program = Resolve(words[0]);
        if (program == null)
        {
            return (false, $"'{words[0]}' not found or not executable");
        }
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = string.Join(':', [Path.Combine(systemPhysicalPath, "sw/bin"), .. StandardPath]),
            ["LANG"] = "C.UTF-8",
        };
        if (!mapper.IsIdentity)
        {
            environment["QITECH_ROOT"] = mapper.Layout.Root;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(limit);
        try
        {
            // The check gets exactly this environment, as a service does, nothing of the daemon's.
            var result = await ProcessRunner.RunAsync(new ProcessCommand(program, [.. words.Skip(1).Select(mapper.Map)]) { Inherit = _ => false, Environment = environment }, timeout.Token);
            var lines = (result.StdoutText + "\n" + result.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var said = lines.Length == 0 ? "" : ": " + Shorten(string.Join(" | ", lines.TakeLast(3)));
            return (result.ExitCode == 0, $"'{command}' exited with status {result.ExitCode}{said}");
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return (false, $"'{command}' did not finish within {limit.TotalSeconds:0.#} s (killed)");
        }
    }

    private string? Resolve(string program)
    {
        IEnumerable<string> candidates = program.StartsWith('/')
            ? [mapper.Map(program)]
            : [Path.Combine(systemPhysicalPath, "sw/bin", program), .. StandardPath.Select(d => Path.Combine(d, program))];
        foreach (var candidate in candidates)
        {
            try
            {
                var physical = mapper.ResolvePhysical(candidate);
                if (File.Exists(physical) && (File.GetUnixFileMode(physical) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
                {
                    return physical;
                }
            }
            catch (IOException)
            {
                // A broken link: try the next place.
            }
        }
        return null;
    }

    private static string Shorten(string text)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= OutputShown ? flat : flat[..(OutputShown - 1)] + "…";
    }
}
