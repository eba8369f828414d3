namespace QiTech.Os.Tests.Support;

/// <summary>
/// A test that runs mmdebstrap in root mode inside bubblewrap: shown as skipped, with the
/// reason, where this machine cannot (not root, or mmdebstrap, bwrap or dpkg-deb missing).
/// </summary>
public sealed class RootMmdebstrapFactAttribute : FactAttribute
{
    public RootMmdebstrapFactAttribute()
    {
        if (QiTech.Os.Platform.Posix.GetEffectiveUserId() != 0)
        {
            Skip = "needs root: mmdebstrap's root mode makes files owned by other users and device nodes";
            return;
        }
        var missing = new[] { "mmdebstrap", "bwrap", "dpkg-deb", "apt-get" }
            .Where(p => !(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, p))))
            .ToList();
        if (missing.Count > 0)
        {
            Skip = $"needs {string.Join(", ", missing)} (Debian packages mmdebstrap, bubblewrap, dpkg, apt)";
        }
    }
}
