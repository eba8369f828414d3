using QiTech.Os.Build;
using QiTech.Os.Errors;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Build;

/// <summary>The SDK a source pins in global.json, found as dotnet finds it, names its packages' SDK.</summary>
public sealed class DotnetSdkPinTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-sdkpin");

    public void Dispose() => _temp.Dispose();

    private string Write(string folder, string text)
    {
        var dir = _temp.Combine(folder);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, DotnetSdkPin.FileName), text);
        return dir;
    }

    [Fact]
    public void The_nearest_global_json_above_a_folder_pins_the_version()
    {
        var root = Write("repo", """{ "sdk": { "version": "10.0.100", "rollForward": "latestPatch" } }""");
        var project = Path.Combine(root, "src", "app");
        Directory.CreateDirectory(project);

        Assert.Equal(("10.0.100", Path.Combine(root, DotnetSdkPin.FileName)), DotnetSdkPin.Find(project));
        var sdk = HostInputs.DotnetSdkFor(project);
        Assert.Equal(new HostInput(HostInputs.DotnetSdkName, "10.0.100", HostInputs.DotnetSdkSandboxPath, HostInputs.DotnetSdkSandboxPath), sdk);
    }

    [Fact]
    public void A_nearer_global_json_without_a_version_hides_the_outer_pin_as_for_dotnet()
    {
        Write("repo", """{ "sdk": { "version": "10.0.100" } }""");
        var inner = Write("repo/tools", """{ "msbuild-sdks": {} }""");

        Assert.Null(DotnetSdkPin.Find(inner));
        Assert.Equal(HostInputs.DotnetSdk(CancellationToken.None).Version, HostInputs.DotnetSdkFor(inner).Version);
    }

    [Theory]
    [InlineData("""{ "sdk": { "version": "10.0.100; rm -rf /" } }""", "sdk.version must be an SDK version")]
    [InlineData("""{ "sdk": { "version": 10 } }""", "sdk.version must be an SDK version")]
    [InlineData("{ \"sdk\": \n { \"version\": ", ":2: not valid JSON")]
    public void A_bad_pin_is_an_error_naming_the_file(string text, string message)
    {
        var dir = Write("bad", text);

        var e = Assert.Throws<BadInputException>(() => DotnetSdkPin.Find(dir));
        Assert.StartsWith(Path.Combine(dir, DotnetSdkPin.FileName), e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void This_repository_pins_the_sdk_its_runtime_packs_were_locked_with()
    {
        var pin = DotnetSdkPin.Find(RepoFiles.Root);

        Assert.NotNull(pin);
        Assert.Equal(Path.Combine(RepoFiles.Root, DotnetSdkPin.FileName), pin.Value.File);
        Assert.Equal(HostInputs.DotnetSdk(CancellationToken.None).Version, pin.Value.Version);
    }
}
