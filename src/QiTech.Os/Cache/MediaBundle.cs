namespace QiTech.Os.Cache;

/// <summary>
/// A bundle file found on removable media: <see cref="File"/> its path on the running system,
/// <see cref="Physical"/> where it is under the root; <see cref="Signed"/> its checked manifest,
/// or <see cref="Refusal"/> why it cannot be installed (unknown key, tampered, not a bundle).
/// </summary>
public sealed record MediaBundle(string File, string Physical, long SizeBytes, SignedManifest? Signed, string? Refusal);
