namespace QiTech.Os.Tests.Support;

/// <summary>A test that runs programs as another user (setpriv): skipped, with the reason, unless the tests run as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root to run the CLI as another user";
        }
    }
}
