namespace QiTech.Os.Build;

/// <summary>
/// The .NET runtime a whole-OS system's framework-dependent programs run on: the muxer,
/// <c>host/</c> and <c>shared/</c> (Microsoft.NETCore.App, Microsoft.AspNetCore.App) of the
/// build machine's SDK, copied in the sandbox. The SDK is a versioned host input (pinned by the
/// configuration's global.json), so another SDK is another store path.
/// </summary>
public static class DotnetRuntimePackage
{
    public const string Name = "dotnet-runtime";

    public static Derivation Create(HostInput sdk)
    {
        return new Derivation
        {
            Name = Name,
            Builder = "/bin/sh",
            Args = ["-eu", "-c", "mkdir -p \"$out\"\ncp -r \"$sdk/dotnet\" \"$sdk/host\" \"$sdk/shared\" \"$out/\"\n"],
            Env = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["sdk"] = sdk.SandboxPath,
                ["PATH"] = "/usr/bin:/bin",
            },
            HostInputs = [.. HostInputs.BaseSystem(), sdk],
        };
    }
}
