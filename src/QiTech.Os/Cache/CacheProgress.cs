namespace QiTech.Os.Cache;

/// <summary>Where a fetch stands: paths and compressed bytes done of the total, and an estimate of the time left.</summary>
public readonly record struct CacheProgress(int PathsDone, int PathsTotal, long BytesDone, long BytesTotal, TimeSpan? TimeLeft, string? Finished);
