namespace QiTech.Os.Tests.Support;

/// <summary>A test that acts as another user (through setpriv), which only root may: skipped, visibly, otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (QiTech.Os.Platform.Posix.GetEffectiveUserId() != 0)
        {
            Skip = "needs root: it runs a client as another user (setpriv --reuid)";
        }
    }
}
