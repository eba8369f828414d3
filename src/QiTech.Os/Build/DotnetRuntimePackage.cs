namespace QiTech.Os.Build;

/// <summary>
/// The .NET runtime a whole-OS system's framework-dependent programs run on: the muxer,
/// <c>host/</c> and <c>shared/</c> (Microsoft.NETCore.App, Microsoft.AspNetCore.App) of the
/// build machine's SDK, copied in the sandbox. The SDK is a versioned host input, so another
/// SDK is another store path. Stands until the runtime comes pinned from NuGet.
/// </summary>
public static class DotnetRuntimePackage
{
    public const string Name = "dotnet-runtime";

    public static Derivation Create()
    {
        var sdk = HostInputs.DotnetSdkCached(CancellationToken.None); // evaluation is not cancellable; `dotnet --version` is short
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
