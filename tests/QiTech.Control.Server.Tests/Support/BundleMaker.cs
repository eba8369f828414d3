using QiTech.Os.Cache;
using QiTech.Os.Config;
using QiTech.Os.Nix;
using QiTech.Os.Sources;
using QiTech.Os.Store;

namespace QiTech.Control.Server.Tests.Support;

/// <summary>
/// Makes an offline bundle as a build machine does (<c>qitech-os build</c> of a tag's
/// machine.yaml, then <c>bundle create</c> with the changelog of the source), in a store of its own.
/// </summary>
public static class BundleMaker
{
    public static async Task FromTagAsync(MachineRepository repository, string tag, NixSecretKey key, string buildDir, string output)
    {
        var layout = new SystemLayout(Path.Combine(buildDir, "root"), new StoreDirectory(StoreDirectory.Default));
        Directory.CreateDirectory(layout.Root);
        using var store = LocalStore.Open(layout);
        var source = GitSource.Open(layout, SourceUrl.ParseInput(repository.Path));
        var resolved = await source.FetchToStoreAsync(GitRefName.ParseInput(tag), store);
        var system = await SystemBuilder.BuildAsync(Path.Combine(store.PhysicalPath(resolved.TreePath), "machine.yaml"), resolved.Info, store);
        var (changelog, why) = await BundleChangelog.FromSourceAsync(layout, resolved.Info, null, CancellationToken.None);
        Assert.True(changelog is not null, why);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await Bundle.CreateAsync(store, system, resolved.Info, null, key, output, changelog, CancellationToken.None);
    }

    /// <summary>A copy of <paramref name="bundle"/> whose manifest says another version than it was signed with.</summary>
    public static void Tamper(string bundle, string label, string output)
    {
        var bytes = File.ReadAllBytes(bundle);
        var quoted = System.Text.Encoding.UTF8.GetBytes($"\"{label}\"");
        var at = bytes.AsSpan().IndexOf(quoted);
        Assert.True(at >= 0, $"no {label} in {bundle}");
        bytes[at + 2] = (byte)'9';
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.WriteAllBytes(output, bytes);
    }
}
