namespace QiTech.Os.Cache;

/// <summary>One staged file to put in a cache as <paramref name="File"/> (see <see cref="ICacheTransport.WriteAllAsync"/>).</summary>
public readonly record struct CacheUpload(string File, string LocalFile, string ContentType);
