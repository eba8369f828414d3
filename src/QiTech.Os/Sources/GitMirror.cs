using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Sources;

/// <summary>
/// A bare local copy of one source's branches and tags under
/// <c>R/var/lib/qitech/mirrors/</c>. Fetches retry transient failures; concurrent requests
/// for the same mirror in this process share one fetch, and a lock file keeps other
/// processes from fetching into it at the same time.
/// </summary>
internal sealed class GitMirror
{
    private static readonly ConcurrentDictionary<string, SharedFetch> InFlight = new();
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];

    private readonly SourceUrl _url;
    private readonly GitRunner _git;

    public GitMirror(SystemLayout layout, SourceUrl url, GitRunner git)
    {
        _url = url;
        _git = git;
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url.Url)))[..16];
        var tail = url.Url.TrimEnd('/').Split('/', ':').Last();
        var safeTail = new string(tail.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray()).TrimStart('.');
        if (!safeTail.EndsWith(".git", StringComparison.Ordinal))
        {
            safeTail += ".git";
        }
        MirrorsDir = layout.ServiceStateDir + "/mirrors";
        Directory = MirrorsDir + "/" + digest + "-" + safeTail;
    }

    public string MirrorsDir { get; }

    public string Directory { get; }

    public bool Exists => File.Exists(Directory + "/HEAD");

    /// <summary>Brings the mirror up to date; joins a fetch of the same mirror already running.</summary>
    public async Task FetchAsync(CancellationToken cancel)
    {
        while (true)
        {
            var shared = InFlight.GetOrAdd(Directory, _ => new SharedFetch());
            if (!shared.TryJoin())
            {
                // A fetch everyone gave up on is still winding down; wait for it to leave.
                await Task.Delay(10, cancel);
                continue;
            }
            shared.StartOnce(token => FetchWithRetriesAsync(token), () => InFlight.TryRemove(new(Directory, shared)));
            try
            {
                await shared.Task!.WaitAsync(cancel);
                return;
            }
            finally
            {
                shared.Leave();
            }
        }
    }

    private async Task FetchWithRetriesAsync(CancellationToken cancel)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await FetchOnceAsync(cancel);
                return;
            }
            catch (SourceException e) when (e.IsTransient && attempt < RetryDelays.Length)
            {
                await Task.Delay(RetryDelays[attempt], cancel);
            }
        }
    }

    private async Task FetchOnceAsync(CancellationToken cancel)
    {
        System.IO.Directory.CreateDirectory(MirrorsDir);
        using var mirrorLock = await LockAsync(cancel);
        var defaultBranch = await RemoteDefaultBranchAsync(cancel);
        if (!Exists)
        {
            await CreateAsync(cancel);
        }
        var fetch = await _git.RunAsync(["-C", Directory, "fetch", "--prune", "--no-write-fetch-head", "origin"], cancel);
        if (!fetch.Ok)
        {
            throw Classify(fetch, "fetch");
        }
        if (defaultBranch != null)
        {
            await _git.RunAsync(["-C", Directory, "symbolic-ref", "HEAD", defaultBranch], cancel);
        }
    }

    /// <summary>Waits for the mirror's lock file, polling so that waiting can be cancelled.</summary>
    private async Task<FileLock> LockAsync(CancellationToken cancel)
    {
        while (true)
        {
            if (FileLock.TryAcquire(Directory + ".lock", exclusive: true) is { } taken)
            {
                return taken;
            }
            await Task.Delay(50, cancel);
        }
    }

    private async Task CreateAsync(CancellationToken cancel)
    {
        var temp = Directory + ".new-" + Environment.ProcessId;
        if (System.IO.Directory.Exists(temp))
        {
            TreeRemover.Remove(temp);
        }
        await Must(["init", "--quiet", "--bare", temp], cancel);
        string[][] settings =
        [
            ["remote.origin.url", _url.Url],
            ["remote.origin.fetch", "+refs/heads/*:refs/heads/*"],
            ["gc.auto", "0"],
            ["maintenance.auto", "false"],
            ["core.logAllRefUpdates", "false"],
        ];
        foreach (var setting in settings)
        {
            await Must(["-C", temp, "config", setting[0], setting[1]], cancel);
        }
        await Must(["-C", temp, "config", "--add", "remote.origin.fetch", "+refs/tags/*:refs/tags/*"], cancel);
        System.IO.Directory.Move(temp, Directory);
    }

    /// <summary>Asks the remote for its HEAD, without a mirror: a source is checked before it is stored.</summary>
    public Task CheckReachableAsync(CancellationToken cancel) => RemoteDefaultBranchAsync(cancel);

    /// <summary>The remote's HEAD branch (refs/heads/…); also proves the remote is reachable.</summary>
    private async Task<string?> RemoteDefaultBranchAsync(CancellationToken cancel)
    {
        var result = await _git.RunAsync(["ls-remote", "--symref", "--end-of-options", _url.Url, "HEAD"], cancel);
        if (!result.Ok)
        {
            throw Classify(result, "reach");
        }
        foreach (var line in result.StdoutText.Split('\n'))
        {
            if (line.StartsWith("ref: refs/heads/", StringComparison.Ordinal) && line.EndsWith("\tHEAD", StringComparison.Ordinal))
            {
                var target = line[5..^5];
                return GitRefName.TryParse(target, out _, out _) ? target : null;
            }
        }
        return null;
    }

    private async Task Must(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var result = await _git.RunAsync(args, cancel);
        if (!result.Ok)
        {
            throw new SourceException($"git {args[^2]}: {result.LastError}");
        }
    }

    private SourceException Classify(GitResult result, string what)
    {
        var err = result.Stderr;
        var line = result.Reason;
        if (Contains(err, "Authentication failed", "could not read Username", "could not read Password", "Permission denied", "HTTP Basic: Access denied", "returned error: 401", "returned error: 403"))
        {
            return new SourceException($"update source {_url}: authentication failed (check the access token): {line}", authenticationFailed: true);
        }
        if (Contains(err, "does not appear to be a git repository", "invalid gitfile format", "not a git repository", "not found", "No such file or directory", "Repository not found"))
        {
            return new SourceException($"update source {_url}: no git repository there: {line}");
        }
        return new SourceException($"update source {_url}: cannot {what} the remote: {line}", transient: true);
    }

    private static bool Contains(string text, params string[] needles) =>
        needles.Any(n => text.Contains(n, StringComparison.OrdinalIgnoreCase));

    /// <summary>One fetch that several waiters share; it is cancelled only when all of them gave up.</summary>
    private sealed class SharedFetch
    {
        private readonly CancellationTokenSource _cancel = new();
        private readonly Lock _gate = new();
        private int _waiters;
        private bool _closed;

        public Task? Task { get; private set; }

        public bool TryJoin()
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return false;
                }
                _waiters++;
                return true;
            }
        }

        public void StartOnce(Func<CancellationToken, Task> fetch, Action onDone)
        {
            lock (_gate)
            {
                Task ??= Run(fetch, onDone);
            }
        }

        public void Leave()
        {
            lock (_gate)
            {
                _waiters--;
                if (_waiters == 0 && Task is { IsCompleted: false })
                {
                    _closed = true;
                    _cancel.Cancel();
                }
            }
        }

        private async Task Run(Func<CancellationToken, Task> fetch, Action onDone)
        {
            try
            {
                await fetch(_cancel.Token);
            }
            finally
            {
                lock (_gate)
                {
                    _closed = true;
                }
                onDone();
            }
        }
    }
}
