using System.Reflection;
using QiTech.Os.Contract;

namespace QiTech.Control.Server;

/// <summary>
/// This server's own version: the assembly's, plus the <c>QITECH_OS_GIT_*</c> variables
/// that a generation sets for each of its services.
/// </summary>
public sealed record ServerVersion(string Assembly, VersionJson? Generation)
{
    public static ServerVersion FromEnvironment()
    {
        var assembly = typeof(ServerVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        VersionJson? generation = null;
        if (Environment.GetEnvironmentVariable("QITECH_OS") == "true")
        {
            generation = new VersionJson(
                Environment.GetEnvironmentVariable("QITECH_OS_GIT_ABBREVIATION"),
                Environment.GetEnvironmentVariable("QITECH_OS_GIT_COMMIT"),
                Environment.GetEnvironmentVariable("QITECH_OS_GIT_TIMESTAMP"),
                Environment.GetEnvironmentVariable("QITECH_OS_GIT_URL"));
        }
        return new ServerVersion(assembly, generation);
    }
}
