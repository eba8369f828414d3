using QiTech.Os.Config;
using QiTech.Os.Generations;
using QiTech.Os.Services;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Services;

/// <summary>The version variables services get read back exactly what the release file was written from.</summary>
public sealed class QitechOsReleaseTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-release");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("rel$1")]
    [InlineData("fix/\"quoted\"")]
    [InlineData("a\\b")]
    [InlineData("`tick`$HOME")]
    [InlineData("v1.2.0")]
    public void A_name_with_shell_characters_reaches_services_and_lists_without_escaping_artefacts(string abbreviation)
    {
        var version = new VersionInfo("2026-11-30T10:00:00Z", new string('a', 40), abbreviation, "https://git.example/m.git");
        File.WriteAllText(_temp.Combine(QitechOsRelease.FileName), version.ToReleaseText());

        Assert.Equal(abbreviation, QitechOsRelease.Read(_temp.Path).Abbreviation);
        Assert.Equal(abbreviation, ReleaseInfo.Parse(version.ToReleaseText()).Abbreviation);
    }
}
