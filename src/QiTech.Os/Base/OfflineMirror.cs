using System.Globalization;
using System.Text;
using QiTech.Os.Build;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Base;

/// <summary>
/// A Debian mirror holding exactly the locked .debs, as a store path that apt (and so
/// mmdebstrap) reads with no network: <c>pool/&lt;pool path&gt;</c> links to each .deb's store
/// path, <c>dists/&lt;suite&gt;/main/binary-&lt;arch&gt;/Packages</c> holds each .deb's own control
/// data with the archive's Priority (mmdebstrap's variants choose by it; a .deb's control
/// often has none or another) and its pool path, size and SHA-256, and <c>Release</c> names
/// the suite as Suite and Codename (mmdebstrap selects the essential set by them). Only
/// locked versions exist in it, so apt can resolve nothing else. The same lock always gives
/// the same mirror path.
/// </summary>
public static class OfflineMirror
{
    public const string Component = "main";

    public static string StoreName(BaseRequest request) => $"debian-mirror-{request.Suite}-{request.Architecture}";

    /// <summary>The <c>sources.list</c> line that reads the mirror at its logical store path (apt's copy method follows the pool's links).</summary>
    public static string SourcesLine(string logicalMirror, BaseRequest request) =>
        $"deb [trusted=yes arch={request.Architecture}] copy://{logicalMirror} {request.Suite} {Component}";

    /// <param name="debs">The store paths of <paramref name="baseLock"/>'s packages, in its order.</param>
    public static async Task<StorePath> CreateAsync(LocalStore store, BaseLock baseLock, IReadOnlyList<StorePath> debs, CancellationToken cancel = default)
    {
        var temp = Path.Combine(Path.GetTempPath(), "qitech-mirror-" + Guid.NewGuid().ToString("N"));
        try
        {
            var root = Path.Combine(temp, "mirror");
            var packages = new StringBuilder();
            for (var i = 0; i < baseLock.Packages.Count; i++)
            {
                var pin = baseLock.Packages[i];
                var control = await ControlOfAsync(store.PhysicalPath(debs[i]), pin, cancel);
                packages.Append(Stanza(control, pin));
                var link = Path.Combine(root, pin.Filename);
                Directory.CreateDirectory(Path.GetDirectoryName(link)!);
                File.CreateSymbolicLink(link, store.Render(debs[i]));
            }
            var request = baseLock.Request;
            var index = $"{Component}/binary-{request.Architecture}/Packages";
            var dists = Path.Combine(root, "dists", request.Suite);
            Directory.CreateDirectory(Path.Combine(dists, Path.GetDirectoryName(index)!));
            var packagesBytes = Encoding.UTF8.GetBytes(packages.ToString());
            await File.WriteAllBytesAsync(Path.Combine(dists, index), packagesBytes, cancel);
            await File.WriteAllTextAsync(Path.Combine(dists, "Release"), Release(request, index, packagesBytes), cancel);
            return store.AddPath(root, StoreName(request), cancel);
        }
        finally
        {
            TreeRemover.Remove(temp);
        }
    }

    private static string Release(BaseRequest request, string index, byte[] packages) =>
        "Origin: Debian\n" +
        "Label: Debian\n" +
        $"Suite: {request.Suite}\n" +
        $"Codename: {request.Suite}\n" +
        $"Architectures: {request.Architecture}\n" +
        $"Components: {Component}\n" +
        "Description: the .debs pinned by a base lock\n" +
        "SHA256:\n" +
        string.Create(CultureInfo.InvariantCulture, $" {Sha256Digest.Of(packages).ToBase16()} {packages.Length} {index}\n");

    /// <summary>The .deb's control fields in their order, Priority set from the lock, then where the file is and its hash.</summary>
    private static string Stanza(List<(string Name, string Value)> control, DebianPackagePin pin)
    {
        var text = new StringBuilder();
        var priorityWritten = false;
        foreach (var (name, value) in control)
        {
            if (name.Equals("Priority", StringComparison.OrdinalIgnoreCase))
            {
                text.Append("Priority: ").Append(pin.Priority).Append('\n');
                priorityWritten = true;
                continue;
            }
            if (name is "Filename" or "Size" or "SHA256" or "MD5sum" or "SHA1")
            {
                continue;
            }
            text.Append(name).Append(": ").Append(value).Append('\n');
        }
        if (!priorityWritten)
        {
            text.Append("Priority: ").Append(pin.Priority).Append('\n');
        }
        text.Append("Filename: ").Append(pin.Filename).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"Size: {pin.Size}\n");
        text.Append("SHA256: ").Append(pin.Sha256.ToBase16()).Append("\n\n");
        return text.ToString();
    }

    /// <summary>A .deb's control fields (<c>dpkg-deb --field</c>), checked to be the package the lock names.</summary>
    private static async Task<List<(string Name, string Value)>> ControlOfAsync(string deb, DebianPackagePin pin, CancellationToken cancel)
    {
        QiTech.Os.Platform.HostCommand.Result result;
        try
        {
            result = await QiTech.Os.Platform.HostCommand.RunAsync("dpkg-deb", ["--field", deb], cancel);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new BuildException("cannot read .deb control data: dpkg-deb is not installed on this machine");
        }
        if (result.ExitCode != 0)
        {
            throw new BuildException($"Debian package {pin.Describe()} ({deb}) is not a readable .deb: {result.Stderr.Trim()}");
        }
        var fields = new List<(string Name, string Value)>();
        foreach (var line in result.Stdout.Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }
            if (line[0] is ' ' or '\t' && fields.Count > 0)
            {
                fields[^1] = (fields[^1].Name, fields[^1].Value + "\n" + line);
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                fields.Add((line[..colon], line[(colon + 1)..].Trim()));
            }
        }
        string? Field(string name) => fields.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        if (Field("Package") != pin.Name || Field("Version") != pin.Version || Field("Architecture") != pin.Architecture)
        {
            throw new BuildException($"the .deb pinned as {pin.Describe()} holds {Field("Package")} {Field("Version")} {Field("Architecture")}");
        }
        return fields;
    }
}
