namespace QiTech.Os.Build;

/// <summary>The first place two trees differ (as a NAR would see it: type, executable bit, contents, link target), for a check's message.</summary>
public static class TreeDifference
{
    /// <summary>The relative path of the first difference in name order ("." for the roots themselves), or null when the trees are the same.</summary>
    public static string? First(string a, string b) => Compare(a, b, ".");

    private static string? Compare(string a, string b, string relative)
    {
        var infoA = new FileInfo(a);
        var infoB = new FileInfo(b);
        if (infoA.LinkTarget != null || infoB.LinkTarget != null)
        {
            return infoA.LinkTarget == infoB.LinkTarget ? null : relative;
        }
        var dirA = Directory.Exists(a);
        if (dirA != Directory.Exists(b) || !dirA && (infoA.Exists != infoB.Exists || IsExecutable(infoA) != IsExecutable(infoB)))
        {
            return relative;
        }
        if (!dirA)
        {
            return infoA.Exists && !SameContents(a, b) ? relative : null;
        }
        var namesA = Directory.EnumerateFileSystemEntries(a).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var namesB = Directory.EnumerateFileSystemEntries(b).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        foreach (var name in namesA.Union(namesB).Order(StringComparer.Ordinal))
        {
            var child = relative == "." ? name! : relative + "/" + name;
            if (!namesA.Contains(name) || !namesB.Contains(name))
            {
                return child;
            }
            if (Compare(Path.Combine(a, name!), Path.Combine(b, name!), child) is { } found)
            {
                return found;
            }
        }
        return null;
    }

    private static bool IsExecutable(FileInfo file) => (file.UnixFileMode & UnixFileMode.UserExecute) != 0;

    private static bool SameContents(string a, string b)
    {
        using var fa = File.OpenRead(a);
        using var fb = File.OpenRead(b);
        if (fa.Length != fb.Length)
        {
            return false;
        }
        var bufferA = new byte[1 << 16];
        var bufferB = new byte[1 << 16];
        while (true)
        {
            var read = fa.ReadAtLeast(bufferA, bufferA.Length, throwOnEndOfStream: false);
            fb.ReadExactly(bufferB, 0, read);
            if (!bufferA.AsSpan(0, read).SequenceEqual(bufferB.AsSpan(0, read)))
            {
                return false;
            }
            if (read < bufferA.Length)
            {
                return true;
            }
        }
    }
}
