namespace QiTech.Os.Tests.Support;

/// <summary>A fact that needs a program on PATH: without it the test is skipped, visibly, naming the program.</summary>
public sealed class FactNeedingAttribute : FactAttribute
{
    public FactNeedingAttribute(string program)
    {
        if (!Installed(program))
        {
            Skip = $"{program} is not installed (apt-get install the package .ci/run lists)";
        }
    }

    public static bool Installed(string program) =>
        program.StartsWith('/') ? File.Exists(program)
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));
}
