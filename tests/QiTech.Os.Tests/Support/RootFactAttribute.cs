namespace QiTech.Os.Tests.Support;

/// <summary>A test that needs root (to run programs as another user, to mount): skipped, with the reason, unless the tests run as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute(string why = "run the CLI as another user")
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root to " + why;
        }
    }
}
