using QiTech.Os.Errors;
using QiTech.Os.Store;

namespace QiTech.Os.Cache;

/// <summary>
/// The bundles on the machine's removable media (<see cref="RemovableMedia"/>): files named
/// <c>*.qitech-bundle</c> at a medium's top and one folder deep, each with its manifest checked
/// against the trusted keys, or the reason it is refused. Only the manifest is read here.
/// </summary>
public static class MediaBundles
{
    public const string Extension = ".qitech-bundle";

    // A stick with a thousand files is not read whole for a list on a screen.
    private const int MaxBundles = 50;

    public static async Task<IReadOnlyList<MediaBundle>> ListAsync(SystemLayout layout, CancellationToken cancel)
    {
        IReadOnlyList<NixPublicKey> keys;
        string? noKeys = null;
        try
        {
            keys = TrustedKeys.OfRunningSystem(layout);
        }
        catch (BadInputException e)
        {
            keys = [];
            noKeys = e.Message;
        }
        var bundles = new List<MediaBundle>();
        foreach (var physical in RemovableMedia.Find(layout).SelectMany(FilesOn).Distinct(StringComparer.Ordinal).Take(MaxBundles))
        {
            var file = layout.Root == "/" ? physical : physical[layout.Root.Length..];
            var size = new FileInfo(physical).Length;
            if (noKeys != null)
            {
                bundles.Add(new MediaBundle(file, physical, size, null, noKeys));
                continue;
            }
            try
            {
                var signed = await Bundle.ReadManifestAsync(physical, keys, cancel);
                // A bundle since a system the machine lacks is refused here already, by the path on
                // disk (a list opens no store); the import checks the store's record.
                var refusal = Bundle.SinceRefusal(signed.Manifest, layout.StoreDir, path => Directory.Exists(layout.PhysicalPath(path)));
                bundles.Add(new MediaBundle(file, physical, size, signed, refusal));
            }
            catch (BadInputException e)
            {
                // The bundle's errors start with the path it was opened by; the list names the file already.
                var reason = e.Message.StartsWith(physical + ": ", StringComparison.Ordinal) ? e.Message[(physical.Length + 2)..] : e.Message;
                bundles.Add(new MediaBundle(file, physical, size, null, reason));
            }
        }
        return bundles;
    }

    /// <summary>The listed bundle at <paramref name="file"/> (its path on the running system); bad input when none is.</summary>
    public static async Task<MediaBundle> FindAsync(SystemLayout layout, string file, CancellationToken cancel) =>
        (await ListAsync(layout, cancel)).FirstOrDefault(b => b.File == file)
            ?? throw new BadInputException($"file: '{file}' is no {Extension} file on removable media");

    private static IEnumerable<string> FilesOn(string medium)
    {
        IEnumerable<string> Bundles(string dir)
        {
            try
            {
                return Directory.EnumerateFiles(dir, "*" + Extension).Order(StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A folder that cannot be read holds nothing to install.
                return [];
            }
        }
        IEnumerable<string> folders;
        try
        {
            folders = Directory.EnumerateDirectories(medium).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            folders = [];
        }
        return [.. Bundles(medium), .. folders.SelectMany(Bundles)];
    }
}
