namespace QiTech.Os.Cache;

/// <summary>The binary caches a build may fetch from, and the keys whose signatures it accepts.</summary>
public sealed record SubstituterSettings(IReadOnlyList<BinaryCacheUrl> Caches, IReadOnlyList<NixPublicKey> TrustedKeys)
{
    public static SubstituterSettings None { get; } = new([], []);

    public bool IsEmpty => Caches.Count == 0;
}
