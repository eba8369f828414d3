using System.Security.Cryptography;
using System.Text.Json;
using QiTech.Os.Build;

namespace QiTech.Os.Tests.Build;

/// <summary>The hash lock files pin, checked against what NuGet's own restore recorded in the local package cache.</summary>
public sealed class NuGetContentHashTests
{
    private static string Cache => Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    [Theory]
    [InlineData("yamldotnet", "16.3.0")] // restored for this solution, so always in the cache
    [InlineData("system.commandline", "2.0.15")]
    public void A_signed_package_hashes_as_nuget_recorded_it(string id, string version)
    {
        var dir = Path.Combine(Cache, id, version);
        var nupkg = File.ReadAllBytes(Path.Combine(dir, $"{id}.{version}.nupkg"));
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, ".nupkg.metadata")));
        var recorded = metadata.RootElement.GetProperty("contentHash").GetString();

        Assert.Equal(recorded, NuGetContentHash.Compute(nupkg));
        Assert.NotEqual(recorded, Convert.ToBase64String(SHA512.HashData(nupkg))); // signed: the plain file hash is not it
    }

    [Fact]
    public void An_unsigned_archive_hashes_as_its_bytes()
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("lib/a.dll").Open();
            entry.Write("not signed"u8);
        }
        var bytes = buffer.ToArray();

        Assert.Equal(Convert.ToBase64String(SHA512.HashData(bytes)), NuGetContentHash.Compute(bytes));
    }
}
