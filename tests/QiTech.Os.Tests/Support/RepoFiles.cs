namespace QiTech.Os.Tests.Support;

/// <summary>Files of this repository (the example configuration, generated docs), found from the test's folder.</summary>
public static class RepoFiles
{
    public static string Root { get; } = Find();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Copies a folder of the repository (files, folders, exec bits) to a new place.</summary>
    public static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }

    private static string Find()
    {
        for (var dir = AppContext.BaseDirectory; dir != null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "QiTech.Os.slnx")))
            {
                return dir;
            }
        }
        throw new InvalidOperationException("the repository root (QiTech.Os.slnx) is not above the test folder");
    }
}
