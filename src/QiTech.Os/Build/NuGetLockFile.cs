using System.Text.Json;

namespace QiTech.Os.Build;

/// <summary>
/// Reads <c>packages.lock.json</c> (NuGet's lock file): every resolved package of every
/// target framework with its content hash. Project references carry no hash and are skipped.
/// </summary>
public static class NuGetLockFile
{
    public static IReadOnlyList<NuGetPackage> Read(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new Errors.BadInputException($"{path}: not a valid lock file: {e.Message}");
        }
        using (document)
        {
            var packages = new List<NuGetPackage>();
            if (!document.RootElement.TryGetProperty("dependencies", out var frameworks))
            {
                throw new Errors.BadInputException($"{path}: a lock file needs a 'dependencies' object");
            }
            foreach (var framework in frameworks.EnumerateObject())
            {
                foreach (var package in framework.Value.EnumerateObject())
                {
                    var type = package.Value.TryGetProperty("type", out var t) ? t.GetString() : null;
                    if (type == "Project")
                    {
                        continue;
                    }
                    var version = package.Value.TryGetProperty("resolved", out var v) ? v.GetString() : null;
                    var hash = package.Value.TryGetProperty("contentHash", out var h) ? h.GetString() : null;
                    if (string.IsNullOrEmpty(version) || string.IsNullOrEmpty(hash))
                    {
                        throw new Errors.BadInputException($"{path}: package '{package.Name}' ({framework.Name}) has no resolved version or content hash");
                    }
                    packages.Add(new NuGetPackage(package.Name, version, hash));
                }
            }
            return packages;
        }
    }
}
