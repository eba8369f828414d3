using QiTech.Os.Build;
using QiTech.Os.Errors;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Build;

/// <summary>The runtime packs' pin: what this repository pins is what the installed SDK publishes with, and another version is refused by name.</summary>
public sealed class DotnetRuntimePacksTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-runtime-packs");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_repository_pins_the_runtime_packs_of_the_sdk_that_builds_it()
    {
        var sdk = HostInputs.DotnetSdk(CancellationToken.None);
        var packs = DotnetRuntimePacks.Read(RepoFiles.Root, "linux-x64", sdk);
        var wanted = DotnetRuntimePacks.SdkVersions(sdk, "linux-x64");
        Assert.Equal(
            ["Microsoft.AspNetCore.App.Runtime.linux-x64", "Microsoft.NETCore.App.Runtime.linux-x64"],
            packs.Select(p => p.Id).Order(StringComparer.Ordinal));
        foreach (var pack in packs)
        {
            Assert.Equal(wanted[pack.Id], pack.Version);
        }
    }

    [Fact]
    public void A_NativeAOT_publish_also_takes_the_NativeAOT_runtime_pack_at_the_sdks_version()
    {
        var sdk = HostInputs.DotnetSdk(CancellationToken.None);
        var packs = DotnetRuntimePacks.Read(RepoFiles.Root, "linux-x64", sdk, nativeAot: true);
        var wanted = DotnetRuntimePacks.SdkVersions(sdk, "linux-x64");
        var nativeAot = packs.Single(p => p.Id == "Microsoft.NETCore.App.Runtime.NativeAOT.linux-x64");
        Assert.Equal(wanted[nativeAot.Id], nativeAot.Version);
        Assert.Contains(packs, p => p.Id == "Microsoft.NETCore.App.Runtime.linux-x64");
    }

    [Fact]
    public void A_ReadyToRun_publish_also_takes_the_crossgen2_pack_of_this_machine_at_the_sdks_version()
    {
        var sdk = HostInputs.DotnetSdk(CancellationToken.None);
        var packs = DotnetRuntimePacks.Read(RepoFiles.Root, "linux-x64", sdk, readyToRun: true);
        var wanted = DotnetRuntimePacks.SdkVersions(sdk, "linux-x64");
        var crossgen = packs.Single(p => p.Id == "Microsoft.NETCore.App.Crossgen2." + System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier);
        Assert.Equal(wanted[crossgen.Id], crossgen.Version);
        Assert.DoesNotContain(packs, p => p.Id.Contains("NativeAOT", StringComparison.Ordinal));
        Assert.DoesNotContain(DotnetRuntimePacks.Read(RepoFiles.Root, "linux-x64", sdk), p => p.Id.Contains("Crossgen2", StringComparison.Ordinal));
    }

    [Fact]
    public void A_NativeAOT_publish_without_its_runtime_pack_pinned_says_what_is_missing()
    {
        var pins = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoFiles.Combine(DotnetRuntimePacks.LockFileName)))!;
        Assert.True(pins["dependencies"]!["net10.0/linux-x64"]!.AsObject().Remove("Microsoft.NETCore.App.Runtime.NativeAOT.linux-x64"));
        File.WriteAllText(_temp.Combine(DotnetRuntimePacks.LockFileName), pins.ToJsonString());
        var sdk = HostInputs.DotnetSdk(CancellationToken.None);
        Assert.Equal(2, DotnetRuntimePacks.Read(_temp.Path, "linux-x64", sdk).Count);

        var e = Assert.Throws<BadInputException>(() => DotnetRuntimePacks.Read(_temp.Path, "linux-x64", sdk, nativeAot: true));
        Assert.Equal($"{_temp.Combine(DotnetRuntimePacks.LockFileName)}: pins no Microsoft.NETCore.App.Runtime.NativeAOT.linux-x64, which a NativeAOT publish for linux-x64 needs", e.Message);
    }

    [Fact]
    public void A_pin_for_another_runtime_version_is_refused_naming_both()
    {
        var sdkRoot = _temp.Combine("dotnet");
        Directory.CreateDirectory(Path.Combine(sdkRoot, "sdk", "10.0.999"));
        File.WriteAllText(Path.Combine(sdkRoot, "sdk", "10.0.999", "Microsoft.NETCoreSdk.BundledVersions.props"), """
            <Project>
              <ItemGroup>
                <KnownFrameworkReference Include="Microsoft.NETCore.App" TargetFramework="net9.0" LatestRuntimeFrameworkVersion="9.0.9" RuntimePackNamePatterns="Microsoft.NETCore.App.Runtime.**RID**" />
                <KnownFrameworkReference Include="Microsoft.NETCore.App" TargetFramework="net10.0" LatestRuntimeFrameworkVersion="10.0.99" RuntimePackNamePatterns="Microsoft.NETCore.App.Runtime.**RID**" />
              </ItemGroup>
            </Project>
            """);
        var sdk = new HostInput("dotnet-sdk", "10.0.999", sdkRoot, sdkRoot);
        var source = _temp.Combine("source");
        Directory.CreateDirectory(source);
        File.Copy(RepoFiles.Combine(DotnetRuntimePacks.LockFileName), Path.Combine(source, DotnetRuntimePacks.LockFileName));
        var pinned = DotnetRuntimePacks.Read(RepoFiles.Root, "linux-x64", HostInputs.DotnetSdk(CancellationToken.None)).Single(p => p.Id == "Microsoft.NETCore.App.Runtime.linux-x64").Version;

        var e = Assert.Throws<BadInputException>(() => DotnetRuntimePacks.Read(source, "linux-x64", sdk));
        Assert.Equal($"{Path.Combine(source, DotnetRuntimePacks.LockFileName)}: pins Microsoft.NETCore.App.Runtime.linux-x64 {pinned} but the .NET SDK 10.0.999 publishes with 10.0.99: refresh the pin (see ARCHITECTURE.md, 'The .NET runtime')", e.Message);
    }

    [Fact]
    public void A_self_contained_publish_without_the_pin_says_what_is_missing()
    {
        var e = Assert.Throws<BadInputException>(() => DotnetRuntimePacks.Read(_temp.Path, "linux-x64", HostInputs.DotnetSdk(CancellationToken.None)));
        Assert.Equal($"{_temp.Combine(DotnetRuntimePacks.LockFileName)}: a self-contained publish for linux-x64 needs this file pinning the .NET runtime packs (see ARCHITECTURE.md, 'The .NET runtime')", e.Message);
    }
}
