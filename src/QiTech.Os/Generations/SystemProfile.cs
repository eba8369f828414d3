using System.Text.RegularExpressions;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Generations;

/// <summary>
/// The system profile laid out as Nix lays out profiles: <c>R/qitech/profiles/system</c> →
/// <c>system-&lt;N&gt;-link</c> (relative), and each <c>system-&lt;N&gt;-link</c> → a system store
/// path (logical, absolute). The link's mtime is the generation's date, as with Nix. Beside a
/// link, <c>system-&lt;N&gt;-link.origin</c> may say which ref an update installed it from
/// (<see cref="GenerationOrigin"/>).
/// Reading is strict: a hand-edited or broken link is a <see cref="ProfileException"/>.
/// Callers that change the profile hold the <see cref="SystemLock"/>.
/// </summary>
public sealed partial class SystemProfile(SystemLayout layout)
{
    private const string Name = "system";

    public string Directory => layout.ProfilesDir;

    public string DefaultLink => layout.SystemProfile;

    public string LinkPath(GenerationNumber number) => $"{Directory}/{Name}-{number}-link";

    /// <summary>Every generation, oldest first.</summary>
    public IReadOnlyList<GenerationLink> Generations()
    {
        var result = new List<GenerationLink>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return result;
        }
        foreach (var entry in System.IO.Directory.EnumerateFileSystemEntries(Directory))
        {
            var match = LinkName().Match(Path.GetFileName(entry));
            if (match.Success && GenerationNumber.TryParse(match.Groups[1].ValueSpan, out var number, out _))
            {
                result.Add(Read(number, entry));
            }
        }
        result.Sort((a, b) => a.Number.CompareTo(b.Number));
        return result;
    }

    public GenerationLink? Find(GenerationNumber number)
    {
        var path = LinkPath(number);
        return Posix.TryStat(Posix.AtFdCwd, Posix.Z(path), out _) ? Read(number, path) : null;
    }

    /// <summary>The boot default (what <c>system</c> points to); null on a fresh root.</summary>
    public GenerationNumber? Default()
    {
        var target = ReadLink(DefaultLink);
        if (target == null)
        {
            return null;
        }
        var match = LinkName().Match(target);
        if (!match.Success || !GenerationNumber.TryParse(match.Groups[1].ValueSpan, out var number, out _))
        {
            throw ProfileException.BadDefault(DefaultLink, target);
        }
        if (Find(number) == null)
        {
            throw ProfileException.MissingGeneration(DefaultLink, target);
        }
        return number;
    }

    /// <summary>The number a new generation gets: one past the highest, as Nix counts.</summary>
    public GenerationNumber NextNumber()
    {
        var all = Generations();
        return all.Count == 0 ? new GenerationNumber(1) : all[^1].Number.Next;
    }

    /// <summary>
    /// Makes <c>system-&lt;N&gt;-link</c> → <paramref name="system"/>. Repeating it with the same
    /// target is a no-op (crash recovery replays it); another target is an error.
    /// </summary>
    public GenerationLink Create(GenerationNumber number, StorePath system, SyncBatch? batch = null)
    {
        var existing = Find(number);
        if (existing != null)
        {
            return existing.System == system
                ? existing
                : throw new InvalidOperationException($"{LinkPath(number)} already points to {existing.System}");
        }
        AtomicLink.Replace(LinkPath(number), layout.StoreDir.Render(system), batch);
        return Find(number)!;
    }

    /// <summary>Makes generation <paramref name="number"/> the boot default.</summary>
    public void SetDefault(GenerationNumber number, SyncBatch? batch = null)
    {
        if (Find(number) == null)
        {
            throw new InvalidOperationException($"{LinkPath(number)} does not exist");
        }
        AtomicLink.Replace(DefaultLink, $"{Name}-{number}-link", batch);
    }

    /// <summary>Removes the generation's link, then its origin (a crash between leaves an origin that describes no link, which is never read).</summary>
    public void Delete(GenerationNumber number, SyncBatch? batch = null)
    {
        AtomicLink.Remove(LinkPath(number), batch);
        DurableFile.Delete(OriginPath(number), batch);
    }

    public string OriginPath(GenerationNumber number) => LinkPath(number) + GenerationOrigin.FileSuffix;

    /// <summary>Records where generation <paramref name="number"/>, of <paramref name="system"/>, came from (replacing an earlier record).</summary>
    public void WriteOrigin(GenerationNumber number, StorePath system, GenerationOrigin origin) =>
        DurableFile.Write(OriginPath(number), origin.ToFileText(layout.StoreDir.Render(system)));

    /// <summary>Where <paramref name="generation"/> came from, when an update recorded it for this very system.</summary>
    public GenerationOrigin? Origin(GenerationLink generation)
    {
        var path = OriginPath(generation.Number);
        return File.Exists(path) ? GenerationOrigin.Parse(File.ReadAllText(path), layout.StoreDir.Render(generation.System)) : null;
    }

    private GenerationLink Read(GenerationNumber number, string path)
    {
        var target = ReadLink(path) ?? throw ProfileException.MissingGeneration(path, "(nothing)");
        if (!layout.StoreDir.TryParse(target, out var system, out _))
        {
            throw ProfileException.BadGeneration(path, target);
        }
        var st = Posix.Stat(path);
        return new GenerationLink(number, system, DateTimeOffset.FromUnixTimeSeconds(st.Mtime.Seconds));
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return AtomicLink.ReadTarget(path);
        }
        catch (NotASymlinkException)
        {
            throw ProfileException.NotALink(path);
        }
    }

    [GeneratedRegex("^system-([0-9]+)-link$")]
    private static partial Regex LinkName();
}
