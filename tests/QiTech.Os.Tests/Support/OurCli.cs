namespace QiTech.Os.Tests.Support;

/// <summary>Runs the built qitech-os CLI as a real process, the way users and scripts do.</summary>
public static class OurCli
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "qitech-os.dll");

    public static ProcessRunner.Result Run(params string[] args) => Run(args, null);

    public static ProcessRunner.Result Run(IEnumerable<string> args, byte[]? stdin, IDictionary<string, string>? env = null) =>
        ProcessRunner.Run("dotnet", [Dll, .. args], stdin, env);
}
