using QiTech.Os.Build;
using QiTech.Os.Errors;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Base;

/// <summary>
/// Resolves a base request into a lock by running the very program that builds the base:
/// mmdebstrap, online, with the build machine's apt sources, in the sandbox, into nothing
/// (<c>--format=null</c>). Its hooks copy out dpkg's status (what was installed: every
/// package of the variant and the request, with their Depends and Pre-Depends), apt's
/// indexes (each version's pool path, size, SHA-256 and the archive's priority) and the
/// downloaded .debs, which seed the cache so the first build downloads nothing. Asking
/// mmdebstrap itself, not a resolver of ours, is what makes the offline build install the
/// same set: it resolves the essential set first and the rest against it, as it will again.
/// </summary>
public sealed class BaseResolver(SystemLayout layout, DebCache cache)
{
    public IProgress<string>? Log { get; init; }

    public async Task<BaseLock> ResolveAsync(BaseRequest request, IReadOnlyList<AptSource> sources, CancellationToken cancel = default)
    {
        if (!MmdebstrapSandbox.IsRoot)
        {
            throw new QiTechOsException("resolving a base runs mmdebstrap as root (it installs the packages to see what they need): run this command as root");
        }
        var work = Path.Combine(Path.GetTempPath(), "qitech-base-lock-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(work, "tmp"));
            var args = new List<string>(MmdebstrapSandbox.CommonOptions(request))
            {
                "--format=null",
                "--skip=essential/unlink",
                $"--customize-hook=copy-out /var/lib/dpkg/status {MmdebstrapSandbox.OutDir}",
                $"--customize-hook=sync-out /var/lib/apt/lists {MmdebstrapSandbox.OutDir}/lists",
                $"--customize-hook=sync-out /var/cache/apt/archives {MmdebstrapSandbox.OutDir}/debs",
                request.Suite,
                "/dev/null",
            };
            args.AddRange(sources.Select(s => s.ToSourcesLine(request.Architecture)));
            var sandbox = new MmdebstrapSandbox { Network = true, HostOutDir = work, MmdebstrapArgs = args };
            Directory.CreateDirectory(layout.LogDir + "/builds");
            var logPath = layout.LogDir + "/builds/base-lock.log";
            await DerivationBuilder.RunAsync("base lock", sandbox.Arguments(), logPath, new BuildOptions { Log = Log }, cancel);
            var baseLock = ReadResolution(request, Path.Combine(work, "status"), Path.Combine(work, "lists"));
            SeedCache(baseLock, Path.Combine(work, "debs"));
            return baseLock;
        }
        finally
        {
            TreeRemover.Remove(work);
        }
    }

    /// <summary>
    /// The lock from what mmdebstrap left: each installed package of dpkg's status, found in
    /// apt's Packages indexes by name, version and architecture.
    /// </summary>
    public static BaseLock ReadResolution(BaseRequest request, string statusFile, string listsDir)
    {
        var index = new Dictionary<(string, string, string), IReadOnlyDictionary<string, string>>();
        foreach (var file in Directory.EnumerateFiles(listsDir, "*_Packages").Order(StringComparer.Ordinal))
        {
            foreach (var stanza in DebianStanzas.ParseFile(file))
            {
                if (stanza.TryGetValue("Package", out var name) && stanza.TryGetValue("Version", out var version) && stanza.TryGetValue("Architecture", out var arch))
                {
                    index.TryAdd((name, version, arch), stanza);
                }
            }
        }
        var pins = new List<DebianPackagePin>();
        foreach (var installed in DebianStanzas.ParseFile(statusFile))
        {
            if (!installed.TryGetValue("Status", out var status) || !status.EndsWith(" installed", StringComparison.Ordinal))
            {
                continue;
            }
            var key = (installed["Package"], installed["Version"], installed["Architecture"]);
            if (!index.TryGetValue(key, out var entry))
            {
                throw new QiTechOsException($"the installed package {key.Item1} {key.Item2} {key.Item3} is in none of the apt indexes mmdebstrap read");
            }
            if (!Sha256Digest.TryParse(entry.GetValueOrDefault("SHA256"), out var sha)
                || !long.TryParse(entry.GetValueOrDefault("Size"), System.Globalization.CultureInfo.InvariantCulture, out var size)
                || entry.GetValueOrDefault("Filename") is not { } filename || !DebianNames.PoolFile().IsMatch(filename))
            {
                throw new QiTechOsException($"the apt index entry of {key.Item1} {key.Item2} has no usable Filename, Size or SHA256");
            }
            var priority = entry.GetValueOrDefault("Priority") ?? "optional";
            pins.Add(new DebianPackagePin(key.Item1, key.Item2, key.Item3, priority, size, sha, filename));
        }
        return new BaseLock(request, pins);
    }

    /// <summary>Puts the .debs mmdebstrap downloaded into the cache, each checked against the lock.</summary>
    private void SeedCache(BaseLock baseLock, string debsDir)
    {
        if (!Directory.Exists(debsDir))
        {
            return;
        }
        foreach (var pin in baseLock.Packages)
        {
            // apt names a downloaded .deb name_version_arch.deb, with an epoch's ':' as "%3a".
            var file = Path.Combine(debsDir, $"{pin.Name}_{pin.Version.Replace(":", "%3a", StringComparison.Ordinal)}_{pin.Architecture}.deb");
            if (!File.Exists(file) || cache.TryGet(pin.Sha256) != null)
            {
                continue;
            }
            using (var stream = File.OpenRead(file))
            {
                if (new Sha256Digest(System.Security.Cryptography.SHA256.HashData(stream)) != pin.Sha256)
                {
                    continue;
                }
            }
            cache.Put(file, pin.Sha256);
        }
    }
}
