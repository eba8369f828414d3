namespace QiTech.Os.Cache;

/// <summary>A bundle's manifest whose signature a trusted key verified, and that key's name (<c>cache.example.com-1</c>).</summary>
public sealed record SignedManifest(BundleManifest Manifest, string Signer);
