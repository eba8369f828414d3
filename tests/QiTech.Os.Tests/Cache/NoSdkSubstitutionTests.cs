using QiTech.Os.Build;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Cache;

/// <summary>
/// A machine with the .NET runtime but no SDK installs a .NET package the build machine built
/// and pushed: the package's derivation names the SDK its global.json pins, not the host's, so
/// both name the same output path; the machine fetches it, without the NuGet packages building
/// it took, and could not have built it.
/// The SDK is hidden from the machine's CLI by a mount namespace over its sdk folder.
/// </summary>
public sealed class NoSdkSubstitutionTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-nosdk");

    public void Dispose() => _temp.Dispose();

    private string ConfigDir => _temp.Combine("config");

    private string CacheDir => _temp.Combine("cache");

    private static readonly HostInput Sdk = HostInputs.DotnetSdk(CancellationToken.None);

    private string WriteConfig(string file, string substituters, string keys)
    {
        var path = Path.Combine(ConfigDir, file);
        File.WriteAllText(path, $$"""
            system:
              hostName: nosdk-test
              update:
                substituters: {{substituters}}
                trustedPublicKeys: {{keys}}
            packages:
              hello:
                dotnet:
                  source: ./hello
                  project: hello.csproj
                  runtime: linux-x64
            environment:
              systemPackages: [hello]

            """);
        return path;
    }

    private void WriteSource(bool pinned)
    {
        Directory.CreateDirectory(Path.Combine(ConfigDir, "hello"));
        File.WriteAllText(Path.Combine(ConfigDir, "hello", "hello.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(ConfigDir, "hello", "Program.cs"), "System.Console.WriteLine(\"hello from the build machine\");\n");
        // Self-contained: the runtime packs come from a NuGet feed the build restores from.
        File.Copy(RepoFiles.Combine(DotnetRuntimePacks.LockFileName), Path.Combine(ConfigDir, "hello", DotnetRuntimePacks.LockFileName), overwrite: true);
        var globalJson = Path.Combine(ConfigDir, DotnetSdkPin.FileName);
        if (pinned)
        {
            File.WriteAllText(globalJson, $$"""{ "sdk": { "version": "{{Sdk.Version}}", "rollForward": "latestPatch" } }""" + "\n");
        }
        else
        {
            File.Delete(globalJson);
        }
    }

    /// <summary>The CLI with the SDK's folder hidden under an empty read-only tmpfs: the runtime runs it, `dotnet --version` finds no SDK.</summary>
    private static QiTech.Os.Platform.ProcessResult RunWithoutSdk(params string[] args) =>
        HostProgram.Run("unshare", ["--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs -o ro none \"$0\" && exec \"$@\"",
            Path.Combine(Sdk.HostPath, "sdk"), .. OurCli.CommandLine(args)]);

    [RootFact("hide the SDK in a mount namespace")]
    public void A_machine_without_the_sdk_fetches_the_package_the_build_machine_pushed_and_cannot_build_it()
    {
        Directory.CreateDirectory(ConfigDir);
        WriteSource(pinned: true);
        var key = OurCli.Run("cache", "key", "generate", "ci-nosdk", _temp.Combine("ci.sec"), _temp.Combine("ci.pub"));
        Assert.True(key.ExitCode == 0, key.Stderr);
        var pub = File.ReadAllText(_temp.Combine("ci.pub")).Trim();
        var withCache = WriteConfig("machine.yaml", $"[\"file://{CacheDir}\"]", $"[\"{pub}\"]");
        var withoutCache = WriteConfig("offline.yaml", "[]", "[]");
        var noSdk = RunWithoutSdk("--version");
        Assert.True(noSdk.ExitCode == 0, noSdk.Stderr);
        Assert.NotEqual(0, HostProgram.Run("unshare", ["--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs -o ro none \"$0\" && exec dotnet --version", Path.Combine(Sdk.HostPath, "sdk")]).ExitCode);

        // The build machine, with the SDK, builds and pushes.
        var ci = OurCli.Run("--root", _temp.Combine("ci"), "build", "--config", withCache);
        Assert.True(ci.ExitCode == 0, ci.Stderr);
        var system = ci.StdoutText.Trim();
        var push = OurCli.Run("--root", _temp.Combine("ci"), "cache", "push", "--to", "file://" + CacheDir, "--secret-key-file", _temp.Combine("ci.sec"), system);
        Assert.True(push.ExitCode == 0, push.Stderr);

        // The machine, without it, names the same system and fetches the package.
        var machine = RunWithoutSdk("--root", _temp.Combine("machine"), "build", "--config", withCache);
        Assert.True(machine.ExitCode == 0, machine.Stderr);
        Assert.Equal(system, machine.StdoutText.Trim());
        Assert.Contains("fetched /qitech/store/", machine.Stderr);
        Assert.Contains("-hello", machine.Stderr);
        Assert.DoesNotContain("hello>", machine.Stderr);
        Assert.Equal(0, OurCli.Run("--root", _temp.Combine("machine"), "store", "verify", "--check-contents").ExitCode);
        // The NuGet feed the build restored from stays on the build machine.
        Assert.Single(Directory.GetDirectories(_temp.Combine("ci", "qitech", "store"), "*-" + NuGetFetcher.StoreName));
        Assert.Empty(Directory.GetDirectories(_temp.Combine("machine", "qitech", "store"), "*-" + NuGetFetcher.StoreName));

        // Without a cache it would have to build, which needs the pinned SDK: refused, nothing registered.
        var offline = RunWithoutSdk("--root", _temp.Combine("offline"), "build", "--config", withoutCache);
        Assert.Equal(1, offline.ExitCode);
        Assert.Contains($"building needs {HostInputs.DotnetSdkName} {Sdk.Version}", offline.Stderr);
        Assert.DoesNotContain("Unhandled", offline.Stderr);

        // Without the pin the package cannot even be named there.
        WriteSource(pinned: false);
        var unpinned = RunWithoutSdk("--root", _temp.Combine("offline"), "build", "--config", withoutCache);
        Assert.Equal(2, unpinned.ExitCode);
        Assert.Contains("no global.json", unpinned.Stderr);
        Assert.Contains("pins its version", unpinned.Stderr);
    }
}
