namespace QiTech.Control.Server.Tests.Support;

/// <summary>A test that acts as another user (through setpriv), which only root may: skipped, visibly, otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!IsRoot())
        {
            Skip = "needs root: it runs a client as another user (setpriv --reuid)";
        }
    }

    /// <summary>Whether this process's effective uid is 0 ("Uid:" lists real, effective, saved, file-system).</summary>
    private static bool IsRoot() =>
        File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[2] == "0";
}
