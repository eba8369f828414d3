using System.Reflection;
using QiTech.Os.Sources;

namespace QiTech.Control.Server;

/// <summary>
/// This server's own version: the assembly's, plus the <c>QITECH_OS_GIT_*</c> variables
/// that a generation sets for each of its services.
/// </summary>
public sealed record ServerVersion(string Assembly, VersionInfo? Generation)
{
    public static ServerVersion FromEnvironment()
    {
        var assembly = typeof(ServerVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var generation = Environment.GetEnvironmentVariable("QITECH_OS") == "true"
            ? new VersionInfo(Variable("QITECH_OS_GIT_TIMESTAMP"), Variable("QITECH_OS_GIT_COMMIT"), Variable("QITECH_OS_GIT_ABBREVIATION"), Variable("QITECH_OS_GIT_URL"))
            : null;
        return new ServerVersion(assembly, generation);

        static string Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : VersionInfo.UnknownValue;
    }
}
