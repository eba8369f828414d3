using QiTech.Os.Errors;
using QiTech.Os.Generations;
using QiTech.Os.Nix;
using QiTech.Os.Store;

namespace QiTech.Os.Activation;

/// <summary>Which system to activate: a store path, an existing generation, or the one before the boot default.</summary>
public abstract record ActivationTarget
{
    public sealed record Path(StorePath System) : ActivationTarget;

    public sealed record Generation(GenerationNumber Number) : ActivationTarget;

    public sealed record Rollback : ActivationTarget;

    /// <summary>
    /// Parses a user's <c>--system</c>: an absolute store path, logical ("/qitech/store/…") or
    /// physical (under the root); relative paths, "." and ".." are refused.
    /// </summary>
    public static Path ParseStorePath(SystemLayout layout, string text)
    {
        if (!text.StartsWith('/'))
        {
            throw new BadInputException($"--system '{text}': give an absolute store path ({layout.StoreDir.Path}/<hash>-<name>), not a relative one");
        }
        if (text.Split('/').Any(p => p is "." or ".."))
        {
            throw new BadInputException($"--system '{text}': '.' and '..' are not allowed in a store path");
        }
        var trimmed = text.TrimEnd('/');
        var physicalStore = layout.PhysicalStoreDir;
        if (layout.Root != "/" && trimmed.StartsWith(physicalStore + "/", StringComparison.Ordinal))
        {
            trimmed = layout.StoreDir.Path + trimmed[physicalStore.Length..];
        }
        if (!layout.StoreDir.TryParse(trimmed, out var path, out var error))
        {
            throw new BadInputException($"--system '{text}' {error.Describe()} ({layout.StoreDir.Path})");
        }
        return new Path(path);
    }
}
