using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Build;

/// <summary>
/// Builds derivations in a bubblewrap sandbox and registers their outputs in the store.
/// Outputs that are already valid are not rebuilt. Each build keeps its log under
/// <c>R/var/log/qitech/builds/</c>; cancelling kills the whole sandbox and registers nothing.
/// </summary>
public sealed class DerivationBuilder
{
    /// <summary>SOURCE_DATE_EPOCH when the derivation sets none: 1980-01-01, the earliest a zip can hold.</summary>
    public const string DefaultSourceDateEpoch = "315532800";

    private readonly LocalStore _store;
    private readonly DerivationHasher _hasher;

    public DerivationBuilder(LocalStore store)
    {
        _store = store;
        _hasher = new DerivationHasher(store.Layout.StoreDir);
    }

    private SystemLayout Layout => _store.Layout;

    public string LogDir => Layout.LogDir + "/builds";

    /// <summary>The output paths a derivation would have, without building anything.</summary>
    public ResolvedDerivation Resolve(Derivation derivation) => _hasher.Resolve(derivation);

    /// <summary>
    /// Rebuilds a valid path from the derivation that made it and fails if the bits differ
    /// (as <c>nix-store --check</c>). The host must have the toolchain versions it recorded.
    /// </summary>
    public Task<BuildResult> CheckPathAsync(StorePath path, BuildOptions? options = null, CancellationToken cancel = default)
    {
        var info = _store.QueryPathInfo(path) ?? throw new Errors.BadInputException($"{_store.Render(path)} is not in the store");
        if (info.Deriver is not { } deriver || !_store.IsValid(deriver))
        {
            throw new Errors.BadInputException($"{_store.Render(path)} was not built here (no derivation recorded), so it cannot be rebuilt");
        }
        var recorded = DerivationParser.Parse(File.ReadAllText(_store.PhysicalPath(deriver)), Layout.StoreDir, _store.Render(deriver));
        var derivation = recorded with { HostInputs = recorded.HostInputs.Select(h => HostInputs.Matching(h)).ToList() };
        if (!_hasher.Resolve(derivation).Outputs.Values.Contains(path))
        {
            throw new BuildException($"{_store.Render(deriver)} does not produce {_store.Render(path)} on this host");
        }
        return BuildAsync(derivation, (options ?? new BuildOptions()) with { Check = true }, cancel);
    }

    public async Task<BuildResult> BuildAsync(Derivation derivation, BuildOptions? options = null, CancellationToken cancel = default)
    {
        options ??= new BuildOptions();
        var resolved = _hasher.Resolve(derivation);
        // Added to the store only when it is built: an output fetched from a cache may have inputs this store lacks.
        var drvPath = _store.Computer.MakeTextPath(Sha256Digest.Of(System.Text.Encoding.UTF8.GetBytes(resolved.ATerm)), derivation.Name + ".drv", [.. derivation.InputPaths]);
        var logPath = LogDir + "/" + resolved.Out.BaseName + (options.Check ? ".check.log" : ".log");
        Directory.CreateDirectory(LogDir);
        var buildsDir = Layout.StateDir + "/builds";
        Directory.CreateDirectory(buildsDir);
        RemoveAbandonedWork(buildsDir);
        using var buildLock = await LockAsync(buildsDir + "/" + resolved.Out.HashPart + ".lock", cancel);

        var registered = resolved.Outputs.Values.Select(_store.QueryPathInfo).ToList();
        if (!options.Check && registered.All(info => info != null))
        {
            return new BuildResult(resolved, drvPath, false, LogDir + "/" + resolved.Out.BaseName + ".log", registered[0]!.NarHash);
        }
        if (options.Check && registered.Any(info => info == null))
        {
            throw new Errors.BadInputException($"nothing to check: {_store.Render(resolved.Out)} has not been built yet");
        }

        // An output fetched from a cache or built before needs none of these.
        foreach (var input in derivation.InputPaths)
        {
            if (!_store.IsValid(input))
            {
                throw new BuildException($"cannot build '{derivation.Name}': its input {_store.Render(input)} is not in the store");
            }
        }
        _store.AddText(derivation.Name + ".drv", resolved.ATerm, derivation.InputPaths.ToList());
        // Evaluation named the host inputs by their pins; building needs this host to have them.
        derivation = derivation with { HostInputs = [.. derivation.HostInputs.Select(h => HostInputs.Matching(h))] };
        var work = buildsDir + "/" + resolved.Out.HashPart + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        try
        {
            var scratchStore = work + "/store";
            Directory.CreateDirectory(scratchStore);
            Directory.CreateDirectory(work + "/build");
            BubblewrapSandbox.WriteEtc(work + "/etc");
            var closure = _store.Closure(derivation.InputPaths);
            var sandbox = new BubblewrapSandbox
            {
                LogicalStoreDir = Layout.StoreDir.Path,
                ScratchStoreDir = scratchStore,
                BuildDir = work + "/build",
                EtcDir = work + "/etc",
                Inputs = closure.Select(p => (_store.PhysicalPath(p), _store.Render(p))).ToList(),
                HostInputs = derivation.HostInputs,
                Network = derivation.FixedOutput != null,
                Environment = SandboxEnvironment(resolved),
                Builder = derivation.Builder,
                Args = derivation.Args,
            };
            if (derivation.Builder == NuGetFeed.Builder)
            {
                await NuGetFeed.FetchAsync(derivation, scratchStore + "/" + resolved.Out.BaseName, options.Log, cancel);
            }
            else
            {
                await RunAsync(derivation.Name, sandbox.Arguments(), logPath, options, cancel);
            }

            var built = new Dictionary<string, string>();
            foreach (var (name, path) in resolved.Outputs)
            {
                var output = scratchStore + "/" + path.BaseName;
                if (!Path.Exists(output) && new FileInfo(output).LinkTarget == null)
                {
                    throw Failure(derivation.Name, $"the builder did not create its output '{name}' ({_store.Render(path)})", logPath, options);
                }
                built[name] = output;
            }
            var narHash = VerifyFixedOutput(derivation, built["out"]);
            if (options.Check)
            {
                return CompareWithRegistered(resolved, drvPath, built, logPath);
            }
            var candidates = closure.ToList();
            PathInfo? outInfo = null;
            foreach (var (name, path) in resolved.Outputs)
            {
                cancel.ThrowIfCancellationRequested();
                var ca = derivation.FixedOutput is { } f
                    ? $"fixed:{(f.Recursive ? "r:" : "")}sha256:{f.Hash.ToBase32()}"
                    : null;
                var info = BuildOutputRegistrar.Register(_store, path, built[name], drvPath, candidates, ca, cancel);
                outInfo = name == "out" ? info : outInfo;
            }
            return new BuildResult(resolved, drvPath, true, logPath, outInfo?.NarHash ?? narHash ?? default);
        }
        finally
        {
            RemoveWork(work);
        }
    }

    private BuildResult CompareWithRegistered(ResolvedDerivation resolved, StorePath drvPath, Dictionary<string, string> built, string logPath)
    {
        Sha256Digest outHash = default;
        foreach (var (name, path) in resolved.Outputs)
        {
            var registered = _store.QueryPathInfo(path)!.NarHash;
            var rebuilt = NarHasher.HashPath(built[name]).Hash;
            if (rebuilt != registered)
            {
                var where = TreeDifference.First(_store.PhysicalPath(path), built[name]) is { } file ? $", first at {file}" : "";
                throw new BuildException(
                    $"build of '{resolved.Derivation.Name}' is not reproducible: output '{name}' ({_store.Render(path)}) has NAR hash {registered.ToSri()} in the store but {rebuilt.ToSri()} when rebuilt{where}; log: {logPath}",
                    logPath);
            }
            outHash = name == "out" ? rebuilt : outHash;
        }
        return new BuildResult(resolved, drvPath, true, logPath, outHash);
    }

    /// <summary>A fetch's output must hash to what the derivation pinned.</summary>
    private static Sha256Digest? VerifyFixedOutput(Derivation derivation, string output)
    {
        if (derivation.FixedOutput is not { } f)
        {
            return null;
        }
        Sha256Digest actual;
        if (f.Recursive)
        {
            actual = NarHasher.HashPath(output).Hash;
        }
        else
        {
            if (!File.Exists(output) || new FileInfo(output).LinkTarget != null)
            {
                throw new BuildException($"fixed-output derivation '{derivation.Name}' must produce a single regular file (flat hash)");
            }
            using var file = File.OpenRead(output);
            actual = new Sha256Digest(SHA256.HashData(file));
        }
        if (actual != f.Hash)
        {
            throw new BuildException($"hash mismatch in fixed-output derivation '{derivation.Name}': expected {f.Hash.ToSri()} got {actual.ToSri()}");
        }
        return f.Recursive ? actual : null;
    }

    private Dictionary<string, string> SandboxEnvironment(ResolvedDerivation resolved)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/path-not-set",
            ["HOME"] = "/homeless-shelter",
            ["TZ"] = "UTC",
            ["LC_ALL"] = "C.UTF-8",
            ["SOURCE_DATE_EPOCH"] = DefaultSourceDateEpoch,
            ["NIX_BUILD_TOP"] = BubblewrapSandbox.BuildTop,
            ["TMPDIR"] = BubblewrapSandbox.BuildTop,
            ["TEMPDIR"] = BubblewrapSandbox.BuildTop,
            ["TMP"] = BubblewrapSandbox.BuildTop,
            ["TEMP"] = BubblewrapSandbox.BuildTop,
            ["PWD"] = BubblewrapSandbox.BuildTop,
            ["NIX_STORE"] = Layout.StoreDir.Path,
            ["QITECH_STORE"] = Layout.StoreDir.Path,
        };
        foreach (var (k, v) in resolved.BuilderEnv)
        {
            env[k] = v;
        }
        return env;
    }

    /// <remarks>
    /// Not through <see cref="ProcessRunner"/>: bubblewrap must be started from a thread that
    /// lives as long as the build (below), and its pid namespace, not a process group, takes the
    /// builder's children with it when it is killed.
    /// </remarks>
    internal static async Task RunAsync(string name, IReadOnlyList<string> args, string logPath, BuildOptions options, CancellationToken cancel)
    {
        // The builder's stderr joins its stdout in one pipe, as in Nix's build logs: two
        // pipes read apart would lose the order of lines, and with it the right log tail.
        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$@\" 2>&1");
        psi.ArgumentList.Add(BubblewrapSandbox.Program);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var gate = new Lock();
        void Line(string? text)
        {
            if (text == null)
            {
                return;
            }
            lock (gate)
            {
                log.WriteLine(text);
            }
            options.Log?.Report(text);
        }
        var process = await StartOnOwnThreadAsync(psi);
        using (process)
        {
            process.StandardInput.Close();
            using var kill = cancel.Register(() =>
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Already exited.
                }
            });
            var stdout = PumpAsync(process.StandardOutput, Line);
            var stderr = PumpAsync(process.StandardError, Line);
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(stdout, stderr);
            ProcessPipes.Close(process);
            cancel.ThrowIfCancellationRequested();
            if (process.ExitCode != 0)
            {
                throw Failure(name, $"the builder exited with code {process.ExitCode}", logPath, options);
            }
        }
    }

    /// <summary>
    /// Starts the sandbox from a thread that lives until it exits: bubblewrap's
    /// --die-with-parent follows the starting thread, and pool threads come and go.
    /// </summary>
    private static Task<Process> StartOnOwnThreadAsync(ProcessStartInfo psi)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Process process;
            try
            {
                process = Process.Start(psi)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                started.SetException(new BuildException($"cannot start the build sandbox ({BubblewrapSandbox.Program}): {e.Message}; is bubblewrap installed?"));
                return;
            }
            started.SetResult(process);
            process.WaitForExit();
        })
        { IsBackground = true, Name = "build sandbox" };
        thread.Start();
        return started.Task;
    }

    private static async Task PumpAsync(StreamReader reader, Action<string?> line)
    {
        while (await reader.ReadLineAsync() is { } text)
        {
            line(text);
        }
    }

    private static BuildException Failure(string name, string cause, string logPath, BuildOptions options)
    {
        var tail = File.Exists(logPath) ? File.ReadLines(logPath).TakeLast(options.TailLines).ToList() : [];
        var shown = tail.Count == 0 ? "(the build printed nothing)" : string.Join('\n', tail.Select(l => "  " + l));
        return new BuildException($"build of '{name}' failed: {cause}; last {tail.Count} log lines:\n{shown}\nfull log: {logPath}", logPath);
    }

    private static async Task<FileLock> LockAsync(string path, CancellationToken cancel)
    {
        while (true)
        {
            if (FileLock.TryAcquire(path, exclusive: true) is { } taken)
            {
                return taken;
            }
            await Task.Delay(100, cancel);
        }
    }

    /// <summary>
    /// Removes the work folders killed builds left: a folder <c>&lt;hash&gt;-&lt;id&gt;</c> is in use
    /// exactly while someone holds <c>&lt;hash&gt;.lock</c>.
    /// </summary>
    private static void RemoveAbandonedWork(string buildsDir)
    {
        foreach (var group in Directory.EnumerateDirectories(buildsDir).GroupBy(d => Path.GetFileName(d).Split('-')[0]))
        {
            using var free = FileLock.TryAcquire(buildsDir + "/" + group.Key + ".lock", exclusive: true);
            if (free == null)
            {
                continue;
            }
            foreach (var dir in group)
            {
                RemoveWork(dir);
            }
        }
    }

    private static void RemoveWork(string work)
    {
        if (!Directory.Exists(work))
        {
            return;
        }
        // A builder may leave read-only directories behind; make them writable to delete them.
        foreach (var dir in Directory.EnumerateDirectories(work, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            try
            {
                File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.UserRead);
            }
            catch (IOException)
            {
                // Best effort; the removal below reports what really blocks.
            }
        }
        TreeRemover.Remove(work);
    }
}
