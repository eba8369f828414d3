using System.Diagnostics;
using QiTech.Os.Services;
using QiTech.Os.Sources;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Sources;

/// <summary>
/// The release file in os-release(5)'s form: what the build writes, a shell, the supervisor and
/// generation lists read back exactly; what other writers may put there is read as a shell would.
/// </summary>
public sealed class ReleaseFileTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-release");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("rel$1")]
    [InlineData("fix/\"quoted\"")]
    [InlineData("a\\b")]
    [InlineData("`tick`$HOME")]
    [InlineData("it's")]
    [InlineData("two words")]
    [InlineData("v1.2.0")]
    public void A_name_with_shell_characters_reads_back_as_written_by_a_shell_and_by_us(string abbreviation)
    {
        var version = new VersionInfo("2026-11-30T10:00:00Z", new string('a', 40), abbreviation, "https://git.example/m.git");
        var file = _temp.Combine(ReleaseFile.FileName);
        File.WriteAllText(file, ReleaseFile.Format(version));

        Assert.Equal(version, ReleaseFile.Read(_temp.Path));
        Assert.Equal(abbreviation, ShellValue(file, "QITECH_OS_GIT_ABBREVIATION"));
    }

    [Fact]
    public void Services_get_the_variables_of_the_closure_they_belong_to()
    {
        var system = _temp.Combine("qitech", "store", "0123456789abcdfghijklmnpqrsvwxyz-system");
        Directory.CreateDirectory(system);
        var version = new VersionInfo("2026-11-30T10:00:00Z", new string('b', 40), "fix/#42-$x", "https://git.example/m.git");
        File.WriteAllText(Path.Combine(system, ReleaseFile.FileName), ReleaseFile.Format(version));

        var loaded = LoadedSystem.Load(new RootPathMapper(new SystemLayout(_temp.Path, new Nix.StoreDirectory("/qitech/store"))),
            "/qitech/store/0123456789abcdfghijklmnpqrsvwxyz-system");

        Assert.Equal(
            ["QITECH_OS=true", "QITECH_OS_GIT_TIMESTAMP=2026-11-30T10:00:00Z", $"QITECH_OS_GIT_COMMIT={new string('b', 40)}",
                "QITECH_OS_GIT_ABBREVIATION=fix/#42-$x", "QITECH_OS_GIT_URL=https://git.example/m.git"],
            loaded.Version.Variables().Select(v => $"{v.Key}={v.Value}"));
    }

    [Fact]
    public void Quotes_of_either_kind_escapes_and_comments_are_read_as_a_shell_reads_them()
    {
        var text = "# built elsewhere\n\nQITECH_OS=true\nQITECH_OS_GIT_ABBREVIATION='v2 $1'\n"
            + "QITECH_OS_GIT_COMMIT=\"0123456789abcdef0123456789abcdef01234567\"  \nQITECH_OS_GIT_URL=a\\ b\\\"c\nnot an assignment\n";

        Assert.True(ReleaseFile.TryParse(text, out var version));
        Assert.Equal(new VersionInfo("unknown", "0123456789abcdef0123456789abcdef01234567", "v2 $1", "a b\"c"), version);
        File.WriteAllText(_temp.Combine("other"), text.Replace("not an assignment\n", "", StringComparison.Ordinal));
        Assert.Equal("a b\"c", ShellValue(_temp.Combine("other"), "QITECH_OS_GIT_URL"));
    }

    [Fact]
    public void A_file_without_QITECH_OS_true_is_not_a_release_and_a_missing_name_falls_back_to_the_commit()
    {
        Assert.False(ReleaseFile.TryParse("QITECH_OS_GIT_COMMIT=0123456789abcdef0123456789abcdef01234567\n", out var version));
        Assert.Equal("0123456789ab", version.Label());
        Assert.Equal("v2.1.0", (version with { Abbreviation = "v2.1.0" }).Label());
        Assert.Equal("unknown", VersionInfo.Unknown.Label());
        Assert.Equal(VersionInfo.Unknown, ReleaseFile.Read(_temp.Combine("missing")));
    }

    /// <summary>What <c>sh</c> makes of the file: os-release(5) files are shell assignments.</summary>
    private static string ShellValue(string file, string name)
    {
        var info = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", $". \"$1\" && printf %s \"${name}\"", "sh", file })
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
