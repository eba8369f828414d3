using QiTech.Os.Nar;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Build;

/// <summary>
/// A small .NET console app with one NuGet package, pinned by its lock file, declared as
/// <c>packages.*.dotnet</c> and published in the sandbox by the real CLI.
/// </summary>
public sealed class DotnetConfigPackageTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-dotnet-pkg");

    public void Dispose() => _temp.Dispose();

    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <AssemblyName>hello-yaml</AssemblyName>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
            <InvariantGlobalization>true</InvariantGlobalization>
            <RestorePackagesWithLockFile>true</RestorePackagesWithLockFile>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="YamlDotNet" Version="16.3.0" />
          </ItemGroup>
        </Project>
        """;

    private const string Program = """
        var yaml = new YamlDotNet.Serialization.SerializerBuilder().Build().Serialize(new Dictionary<string, int> { ["answer"] = 42 });
        Console.Write(yaml);
        """;

    private const string Machine = """
        system:
          hostName: dotnet-test
        packages:
          hello-yaml:
            dotnet:
              source: .
              project: app/App.csproj
        environment:
          systemPackages: [hello-yaml]

        """;

    [Fact]
    public void With_include_a_change_outside_it_keeps_the_package_and_a_change_inside_rebuilds_it()
    {
        var source = _temp.Combine("repo");
        Directory.CreateDirectory(Path.Combine(source, "app"));
        File.WriteAllText(Path.Combine(source, "app", "App.csproj"), Project);
        File.WriteAllText(Path.Combine(source, "app", "Program.cs"), Program);
        File.WriteAllText(Path.Combine(source, "machine.yaml"), Machine.Replace("      source: .\n", "      source: .\n      include: [app]\n", StringComparison.Ordinal));
        GitRepo.CommitAll(source);
        using var store = QiTech.Os.Store.LocalStore.Open(new QiTech.Os.Store.SystemLayout(_temp.Combine("root"), new QiTech.Os.Nix.StoreDirectory(QiTech.Os.Nix.StoreDirectory.Default)));
        string PackagePath()
        {
            var prepared = QiTech.Os.Config.SystemBuilder.Prepare(Path.Combine(source, "machine.yaml"), QiTech.Os.Sources.VersionInfo.Unknown, store);
            return store.Render(new QiTech.Os.Build.DerivationHasher(store.Layout.StoreDir).Resolve(Assert.Single(prepared.Packages)).Out);
        }

        var before = PackagePath();
        File.AppendAllText(Path.Combine(source, "machine.yaml"), "# only the configuration changed\n");
        var configurationChanged = PackagePath();
        File.AppendAllText(Path.Combine(source, "app", "Program.cs"), "// the code changed\n");
        var codeChanged = PackagePath();

        Assert.Equal(before, configurationChanged);
        Assert.NotEqual(before, codeChanged);
    }

    [Fact]
    public void Two_clones_in_different_folders_publish_the_same_store_path_with_the_same_bits()
    {
        var source = _temp.Combine("source");
        Directory.CreateDirectory(Path.Combine(source, "app"));
        File.WriteAllText(Path.Combine(source, "app", "App.csproj"), Project);
        File.WriteAllText(Path.Combine(source, "app", "Program.cs"), Program);
        File.WriteAllText(Path.Combine(source, "machine.yaml"), Machine);
        File.WriteAllText(Path.Combine(source, ".gitignore"), "bin/\nobj/\n");
        // The developer's restore writes the lock file that pins the package by hash.
        var restore = HostProgram.Run("dotnet", ["restore", Path.Combine(source, "app", "App.csproj")], env: new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        Assert.True(restore.ExitCode == 0, restore.StdoutText + restore.Stderr);
        Assert.Contains("\"YamlDotNet\"", File.ReadAllText(Path.Combine(source, "app", "packages.lock.json")), StringComparison.Ordinal);
        GitRepo.CommitAll(source);
        GitRepo.Run(_temp.Path, "clone", "-q", source, _temp.Combine("clone-a"));
        Directory.CreateDirectory(_temp.Combine("elsewhere", "deeper"));
        GitRepo.Run(_temp.Path, "clone", "-q", source, _temp.Combine("elsewhere", "deeper", "clone-b"));
        // Build outputs beside the source (ignored by git) must not reach the package.
        Directory.CreateDirectory(_temp.Combine("clone-a", "app", "bin"));
        File.WriteAllText(_temp.Combine("clone-a", "app", "bin", "stale.dll"), "left over from a local build");

        var a = OurCli.Run("--root", _temp.Combine("root-a"), "build", "--config", _temp.Combine("clone-a", "machine.yaml"));
        var b = OurCli.Run("--root", _temp.Combine("root-b"), "build", "--config", _temp.Combine("elsewhere", "deeper", "clone-b", "machine.yaml"));

        Assert.True(a.ExitCode == 0, a.Stderr);
        Assert.True(b.ExitCode == 0, b.Stderr);
        Assert.Equal(a.StdoutText, b.StdoutText);
        var system = a.StdoutText.Trim();
        var program = File.ResolveLinkTarget(_temp.Combine("root-a") + system + "/sw/bin/hello-yaml", returnFinalTarget: false)!.FullName;
        Assert.Matches(@"^/qitech/store/[a-z0-9]{32}-hello-yaml/bin/hello-yaml$", program);
        var package = Path.GetDirectoryName(Path.GetDirectoryName(program))!;
        Assert.Equal(NarHasher.HashPath(_temp.Combine("root-a") + package).Hash, NarHasher.HashPath(_temp.Combine("root-b") + package).Hash);
        var sourceInStore = Assert.Single(Directory.GetDirectories(_temp.Combine("root-a", "qitech", "store"), "*-source"));
        Assert.True(File.Exists(Path.Combine(sourceInStore, "app", "Program.cs")));
        Assert.False(Directory.Exists(Path.Combine(sourceInStore, "app", "bin")));
        // The apphost runs through its bin/ link, on the host's runtime.
        var run = HostProgram.Run(_temp.Combine("root-a") + program, []);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("answer: 42\n", run.StdoutText);
    }
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_self_contained_package_runs_where_no_dotnet_is_installed(bool readyToRun)
    {
        var source = _temp.Combine("source");
        Directory.CreateDirectory(Path.Combine(source, "app"));
        File.WriteAllText(Path.Combine(source, "app", "App.csproj"),
            Project.Replace("<OutputType>Exe</OutputType>", "<OutputType>Exe</OutputType>\n    <RuntimeIdentifiers>linux-x64</RuntimeIdentifiers>", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(source, "app", "Program.cs"), Program);
        File.WriteAllText(Path.Combine(source, "machine.yaml"), Machine.Replace("      project: app/App.csproj\n",
            "      project: app/App.csproj\n      runtime: linux-x64\n" + (readyToRun ? "      readyToRun: true\n" : ""), StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(source, ".gitignore"), "bin/\nobj/\n");
        // The runtime packs as this repository pins them for the SDK that builds it.
        File.Copy(RepoFiles.Combine(QiTech.Os.Build.DotnetRuntimePacks.LockFileName), Path.Combine(source, QiTech.Os.Build.DotnetRuntimePacks.LockFileName));
        var restore = HostProgram.Run("dotnet", ["restore", Path.Combine(source, "app", "App.csproj")], env: new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        Assert.True(restore.ExitCode == 0, restore.StdoutText + restore.Stderr);
        GitRepo.CommitAll(source);

        var build = OurCli.Run("--root", _temp.Combine("root"), "build", "--config", Path.Combine(source, "machine.yaml"));
        Assert.True(build.ExitCode == 0, build.Stderr);
        var program = File.ResolveLinkTarget(_temp.Combine("root") + build.StdoutText.Trim() + "/sw/bin/hello-yaml", returnFinalTarget: false)!.FullName;
        var package = _temp.Combine("root") + Path.GetDirectoryName(Path.GetDirectoryName(program))!;
        Assert.True(File.Exists(Path.Combine(package, "lib", "hello-yaml", "libcoreclr.so")), "the runtime is published with the program");
        Assert.Contains("\"includedFrameworks\"", File.ReadAllText(Path.Combine(package, "lib", "hello-yaml", "hello-yaml.runtimeconfig.json")), StringComparison.Ordinal);
        // Precompiled code is a ReadyToRun header in the assembly's CLI header, beside its IL.
        using (var assembly = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(Path.Combine(package, "lib", "hello-yaml", "hello-yaml.dll"))))
        {
            Assert.Equal(readyToRun, assembly.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0);
        }

        // The host's .NET installation hidden: dotnet itself no longer runs, the package does.
        var dotnetRoot = Path.GetDirectoryName(new FileInfo("/usr/bin/dotnet").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/usr/share/dotnet/dotnet")!;
        string[] noDotnet = ["--dev-bind", "/", "/", "--tmpfs", dotnetRoot, "--unsetenv", "DOTNET_ROOT", "--setenv", "PATH", "/usr/bin:/bin", "--"];
        var dotnet = HostProgram.Run("bwrap", [.. noDotnet, "/usr/bin/dotnet", "--info"]);
        Assert.NotEqual(0, dotnet.ExitCode);
        var run = HostProgram.Run("bwrap", [.. noDotnet, _temp.Combine("root") + program]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("answer: 42\n", run.StdoutText);
    }

    [Fact]
    public void A_NativeAOT_package_is_one_native_program_that_runs_where_no_dotnet_is_installed()
    {
        var source = _temp.Combine("source");
        Directory.CreateDirectory(Path.Combine(source, "app"));
        File.WriteAllText(Path.Combine(source, "app", "App.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <AssemblyName>hello-aot</AssemblyName>
                <ImplicitUsings>enable</ImplicitUsings>
                <InvariantGlobalization>true</InvariantGlobalization>
                <RestorePackagesWithLockFile>true</RestorePackagesWithLockFile>
                <RuntimeIdentifiers>linux-x64</RuntimeIdentifiers>
                <PublishAot>true</PublishAot>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(source, "app", "Program.cs"), "Console.Write($\"answer: {6 * 7}\\n\");\n");
        var jit = Machine.Replace("project: app/App.csproj\n", "project: app/App.csproj\n      runtime: linux-x64\n", StringComparison.Ordinal).Replace("hello-yaml", "hello-aot", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(source, "jit.yaml"), jit);
        File.WriteAllText(Path.Combine(source, "machine.yaml"), jit.Replace("runtime: linux-x64\n", "runtime: linux-x64\n      nativeAot: true\n", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(source, ".gitignore"), "bin/\nobj/\n");
        File.Copy(RepoFiles.Combine(QiTech.Os.Build.DotnetRuntimePacks.LockFileName), Path.Combine(source, QiTech.Os.Build.DotnetRuntimePacks.LockFileName));
        var restore = HostProgram.Run("dotnet", ["restore", Path.Combine(source, "app", "App.csproj")], env: new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        Assert.True(restore.ExitCode == 0, restore.StdoutText + restore.Stderr);
        GitRepo.CommitAll(source);

        // The option and the project agree, or nothing is built.
        var disagree = OurCli.Run("--root", _temp.Combine("root"), "build", "--config", Path.Combine(source, "jit.yaml"));
        Assert.Equal(2, disagree.ExitCode);
        Assert.Equal("error: packages.hello-aot.dotnet: 'app/App.csproj' sets PublishAot (its packages.lock.json pins Microsoft.DotNet.ILCompiler): set dotnet.nativeAot: true\n", disagree.Stderr);

        var build = OurCli.Run("--root", _temp.Combine("root"), "build", "--config", Path.Combine(source, "machine.yaml"));
        Assert.True(build.ExitCode == 0, build.Stderr);
        var program = File.ResolveLinkTarget(_temp.Combine("root") + build.StdoutText.Trim() + "/sw/bin/hello-aot", returnFinalTarget: false)!.FullName;
        var package = _temp.Combine("root") + Path.GetDirectoryName(Path.GetDirectoryName(program))!;
        Assert.Equal("../lib/hello-aot/hello-aot", new FileInfo(Path.Combine(package, "bin", "hello-aot")).LinkTarget);
        Assert.Equal(["hello-aot"], Directory.GetFiles(Path.Combine(package, "lib", "hello-aot")).Select(Path.GetFileName));
        Assert.Equal([0x7F, (byte)'E', (byte)'L', (byte)'F'], File.ReadAllBytes(Path.Combine(package, "lib", "hello-aot", "hello-aot"))[..4]);

        // The host's .NET installation hidden: the program needs none.
        var dotnetRoot = Path.GetDirectoryName(new FileInfo("/usr/bin/dotnet").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/usr/share/dotnet/dotnet")!;
        var run = HostProgram.Run("bwrap", ["--dev-bind", "/", "/", "--tmpfs", dotnetRoot, "--unsetenv", "DOTNET_ROOT", "--setenv", "PATH", "/usr/bin:/bin", "--", _temp.Combine("root") + program]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("answer: 42\n", run.StdoutText);
    }
}
