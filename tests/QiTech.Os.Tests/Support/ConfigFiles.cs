using QiTech.Os.Config;
using QiTech.Os.Nix;
using QiTech.Os.Sources;

namespace QiTech.Os.Tests.Support;

/// <summary>Writes configuration files into a temp folder and evaluates them as the build does.</summary>
public sealed class ConfigFiles : IDisposable
{
    private readonly TempDir dir = new("qitech-config");

    public string Dir => dir.Path;

    /// <summary>Writes a file (folders made as needed) and returns its full path.</summary>
    public string Write(string relative, string text)
    {
        var full = dir.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public string PathOf(string relative) => dir.Combine(relative);

    public Evaluation Evaluate(string relative = "main.yaml", VersionInfo? version = null) =>
        SystemBuilder.Evaluate(PathOf(relative), version ?? VersionInfo.Unknown, new HashingImporter(new StoreDirectory(StoreDirectory.Default)));

    public SystemTree Render(string relative = "main.yaml") => SystemBuilder.Render(Evaluate(relative));

    /// <summary>The one-line error evaluating and rendering gives, with the folder shown as {dir}.</summary>
    public string Error(string relative = "main.yaml")
    {
        var e = Assert.Throws<ConfigException>(() => Render(relative));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message.Replace(Dir, "{dir}", StringComparison.Ordinal);
    }

    public void Dispose() => dir.Dispose();
}
