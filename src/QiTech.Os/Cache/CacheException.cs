using QiTech.Os.Errors;

namespace QiTech.Os.Cache;

/// <summary>A cache refused or failed to give what was asked: the path and the cache are in the message.</summary>
public sealed class CacheException(string message) : QiTechOsException(message);
