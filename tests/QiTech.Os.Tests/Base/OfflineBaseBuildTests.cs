using System.Formats.Tar;
using QiTech.Os.Base;
using QiTech.Os.Build;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Base;

/// <summary>
/// The whole seam on Debian's real archive, with the smallest base (mmdebstrap's essential
/// variant): resolved online into a lock, fetched (the cache the resolution seeded makes that
/// download nothing), built by mmdebstrap offline from the mirror in bubblewrap with no
/// network, and compared entry by entry with an online mmdebstrap build of the same versions.
/// Downloads stay in the .deb cache, so a second run downloads only what Debian changed.
/// </summary>
public sealed class OfflineBaseBuildTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-base-build");

    [RootMmdebstrapFact]
    public async Task An_offline_build_from_the_lock_is_the_online_build_of_the_same_versions()
    {
        var request = new BaseRequest("bookworm", "amd64", "essential", []);
        using var store = LocalStore.Open(SystemLayout.FromOptions(_temp.Combine("root"), null));
        var sources = await AptSources.ForSuiteAsync(request.Suite);
        var cache = DebCache.Default();

        var baseLock = await new BaseResolver(store.Layout, cache).ResolveAsync(request, sources);
        Assert.Contains(baseLock.Packages, p => p.Name == "dpkg" && p.Priority == "required");
        Assert.Contains(baseLock.Packages, p => p.Name == "base-files");
        Assert.DoesNotContain(baseLock.Packages, p => p.Name == "apt");
        var lockPath = _temp.Combine("base.lock");
        baseLock.Write(lockPath);
        Assert.Equal(File.ReadAllText(lockPath), PinnedBase.ReadLock(lockPath, request).Render());

        using var http = new HttpClient();
        var fetcher = new DebFetcher(store, http, cache, sources);
        var mirror = await PinnedBase.MirrorAsync(store, baseLock, fetcher);
        Assert.Equal(0, fetcher.Downloaded);

        var offline = _temp.Combine("offline.tar");
        await new BaseTreeBuilder(store).BuildAsync(request, mirror, offline);

        var online = _temp.Combine("online.tar");
        await OnlineReferenceAsync(request, sources, online, store.Layout);

        var offlineEntries = Entries(offline);
        Assert.Contains("./usr/bin/dpkg", offlineEntries.Keys);
        Assert.DoesNotContain("./etc/apt/sources.list", offlineEntries.Keys);
        var onlineEntries = Entries(online);
        var differing = onlineEntries.Keys.Union(offlineEntries.Keys)
            .Where(k => onlineEntries.GetValueOrDefault(k) != offlineEntries.GetValueOrDefault(k))
            .Order(StringComparer.Ordinal)
            .Select(k => $"{k}: online {onlineEntries.GetValueOrDefault(k) ?? "absent"}, offline {offlineEntries.GetValueOrDefault(k) ?? "absent"}")
            .ToList();
        Assert.True(differing.Count == 0, string.Join('\n', differing.Take(20)));
    }

    /// <summary>Plain mmdebstrap with the machine's apt sources and the base's common options, in the same sandbox but with the network.</summary>
    private async Task OnlineReferenceAsync(BaseRequest request, IReadOnlyList<AptSource> sources, string target, SystemLayout layout)
    {
        var work = _temp.Combine("online-work");
        Directory.CreateDirectory(Path.Combine(work, "tmp"));
        var args = new List<string>(MmdebstrapSandbox.CommonOptions(request)) { request.Suite, MmdebstrapSandbox.OutDir + "/online.tar" };
        args.AddRange(sources.Select(s => s.ToSourcesLine(request.Architecture)));
        var sandbox = new MmdebstrapSandbox { Network = true, HostOutDir = work, MmdebstrapArgs = args };
        Directory.CreateDirectory(layout.LogDir);
        await DerivationBuilder.RunAsync("online base", sandbox.Arguments(), Path.Combine(layout.LogDir, "online.log"), new BuildOptions(), CancellationToken.None);
        File.Move(Path.Combine(work, "online.tar"), target);
    }

    /// <summary>Every entry of a tarball: type, mode, owner, times, link target and content hash.</summary>
    private static Dictionary<string, string> Entries(string tarball)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        using var stream = File.OpenRead(tarball);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            var content = "";
            if (entry.DataStream is { } data)
            {
                using var buffer = new MemoryStream();
                data.CopyTo(buffer);
                content = Sha256Digest.Of(buffer.ToArray()).ToBase16();
            }
            entries[entry.Name] = $"{entry.EntryType} {Convert.ToString((int)entry.Mode, 8)} {entry.Uid}:{entry.Gid} {entry.ModificationTime.ToUnixTimeSeconds()} {entry.LinkName} {content}";
        }
        return entries;
    }

    public void Dispose() => _temp.Dispose();
}
