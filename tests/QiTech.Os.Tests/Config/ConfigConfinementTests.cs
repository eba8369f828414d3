using QiTech.Os.Config;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Config;

/// <summary>
/// A configuration reads files of its own repository only (symlinks followed before the
/// check), unless system.allowedPaths names a path; imports never leave the repository; no
/// error shows what a file holds. Before, an etc source of "../../../../etc/shadow" put the
/// shadow file into the world-readable store and importing it printed its first line.
/// </summary>
public sealed class ConfigConfinementTests : IDisposable
{
    private const string Secret = "root:secret-hash-4711:20000:0:99999:7:::";

    private readonly TempDir temp = new("qitech-confine");
    private readonly string repo;
    private readonly string outside;

    public ConfigConfinementTests()
    {
        repo = temp.Combine("repo");
        outside = temp.Combine("host");
        Directory.CreateDirectory(Path.Combine(repo, "configuration"));
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "shadow"), Secret + "\n");
        File.WriteAllText(Path.Combine(repo, "motd"), "hello\n");
        Assert.Equal(0, HostProgram.Run("git", ["init", "-q", repo]).ExitCode);
    }

    private string Write(string relative, string text)
    {
        var path = Path.Combine(repo, relative);
        File.WriteAllText(path, text);
        return path;
    }

    private QiTech.Os.Platform.ProcessResult Build(string configFile) => OurCli.Run("--root", temp.Combine("root"), "build", "--config", configFile);

    /// <summary>True when any file under the store holds the secret: it must never get there.</summary>
    private bool StoreHoldsTheSecret()
    {
        var store = temp.Combine("root", "qitech", "store");
        return Directory.Exists(store) && Directory.EnumerateFiles(store, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Any(f => !File.GetAttributes(f).HasFlag(FileAttributes.ReparsePoint) && File.ReadAllText(f).Contains(Secret, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("symlink")]
    [InlineData("0644")]
    public void An_etc_source_climbing_out_of_the_repository_is_refused_and_never_stored(string mode)
    {
        var relative = Path.GetRelativePath(Path.Combine(repo, "configuration"), Path.Combine(outside, "shadow"));
        var config = Write("configuration/machine.yaml", $"environment:\n  etc:\n    passwd:\n      source: \"{relative}\"\n      mode: \"{mode}\"\n");

        var run = Build(config);

        Assert.Equal((2, $"error: {config}:4:15: environment.etc.passwd.source: path '{relative}' is outside the configuration's repository '{repo}' (allow it in system.allowedPaths)\n"),
            (run.ExitCode, run.Stderr));
        Assert.False(StoreHoldsTheSecret());
    }

    [Fact]
    public void The_real_shadow_file_is_refused_by_its_path()
    {
        var config = Write("configuration/machine.yaml", "environment:\n  etc:\n    passwd:\n      source: \"../../../../../../../../etc/shadow\"\n");

        var run = Build(config);

        Assert.Equal(2, run.ExitCode);
        Assert.EndsWith("environment.etc.passwd.source: path '../../../../../../../../etc/shadow' is outside the configuration's repository '" + repo + "' (allow it in system.allowedPaths)\n", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlink_leading_out_counts_as_outside()
    {
        File.CreateSymbolicLink(Path.Combine(repo, "configuration", "passwd"), Path.Combine(outside, "shadow"));
        var config = Write("configuration/machine.yaml", "environment:\n  etc:\n    passwd:\n      source: ./passwd\n      mode: \"0644\"\n");

        var run = Build(config);

        Assert.Equal((2, $"error: {config}:4:15: environment.etc.passwd.source: path './passwd' leads to '{outside}/shadow', which is outside the configuration's repository '{repo}' (allow it in system.allowedPaths)\n"),
            (run.ExitCode, run.Stderr));
        Assert.False(StoreHoldsTheSecret());
    }

    [Fact]
    public void Package_paths_and_sources_outside_are_refused_too()
    {
        Directory.CreateDirectory(Path.Combine(outside, "tool", "bin"));
        var config = Write("configuration/machine.yaml", $"packages:\n  tool:\n    path: {outside}/tool\n");
        Assert.Contains($"packages.tool.path: path '{outside}/tool' is outside the configuration's repository", Build(config).Stderr, StringComparison.Ordinal);

        config = Write("configuration/machine.yaml", $"packages:\n  tool:\n    build:\n      script: mkdir $out\n      source: {outside}\n");
        Assert.Contains($"packages.tool.build.source: path '{outside}' is outside the configuration's repository", Build(config).Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_anywhere_in_the_git_work_tree_are_inside()
    {
        var config = Write("configuration/machine.yaml", "environment:\n  etc:\n    motd:\n      source: ../motd\n");

        var run = Build(config);

        Assert.True(run.ExitCode == 0, run.Stderr);
    }

    [Fact]
    public void System_allowed_paths_lets_a_named_host_path_in()
    {
        File.WriteAllText(Path.Combine(outside, "vendor.conf"), "vendor\n");
        var config = Write("configuration/machine.yaml", $"system:\n  allowedPaths: [{outside}/vendor.conf]\nenvironment:\n  etc:\n    vendor.conf:\n      source: {outside}/vendor.conf\n      mode: \"0644\"\n");

        var run = Build(config);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal("vendor\n", File.ReadAllText(Path.Combine(temp.Combine("root") + run.StdoutText.Trim(), "etc", "vendor.conf")));
        var other = Write("configuration/machine.yaml", $"system:\n  allowedPaths: [{outside}/vendor.conf]\nenvironment:\n  etc:\n    passwd:\n      source: {outside}/shadow\n");
        Assert.Contains("environment.etc.passwd.source: path", Build(other).Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Imports_never_leave_the_repository_and_errors_never_show_a_file_s_text()
    {
        var config = Write("configuration/machine.yaml", $"system:\n  allowedPaths: [{outside}]\nimports: [\"{outside}/shadow\"]\n");
        var run = Build(config);
        Assert.Equal((2, $"error: {config}:3:11: imports: path '{outside}/shadow' is outside the configuration's repository '{repo}' (imports never leave it)\n"), (run.ExitCode, run.Stderr));

        File.CreateSymbolicLink(Path.Combine(repo, "configuration", "hardware.yaml"), Path.Combine(outside, "shadow"));
        config = Write("configuration/machine.yaml", "imports: [hardware.yaml]\n");
        run = Build(config);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"leads to '{outside}/shadow', which is outside", run.Stderr, StringComparison.Ordinal);

        var shadow = OurCli.Run("--root", temp.Combine("root"), "build", "--config", Write("configuration/machine.yaml", "imports: [\"/etc/shadow\"]\n"));
        Assert.Equal(2, shadow.ExitCode);
        Assert.DoesNotContain("root:", shadow.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Stderr + shadow.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_repository_is_the_work_tree_else_the_folder_else_the_store_path()
    {
        Assert.Equal(repo, ConfigRepository.Locate(Path.Combine(repo, "configuration", "machine.yaml")).Root);
        Assert.Equal(outside, ConfigRepository.Locate(Path.Combine(outside, "machine.yaml")).Root);
        var store = temp.Combine("root", "qitech", "store");
        var tree = Path.Combine(store, "0123456789abcdfghijklmnpqrsvwxyz-source");
        Directory.CreateDirectory(Path.Combine(tree, "configuration"));
        Assert.Equal(tree, ConfigRepository.Locate(Path.Combine(tree, "configuration", "machine.yaml"), store).Root);
    }

    [Fact]
    public void A_project_reference_out_of_the_dotnet_source_is_refused()
    {
        var source = Path.Combine(repo, "app");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "app.csproj"), "<Project><ItemGroup><ProjectReference Include=\"../../host/lib.csproj\" /></ItemGroup></Project>");

        var e = Assert.Throws<QiTech.Os.Errors.BadInputException>(() => PackageDerivations.LockFiles(Path.Combine(source, "app.csproj"), source));

        Assert.Equal($"{source}/app.csproj: project reference '{temp.Combine("host", "lib.csproj")}' is outside the source '{source}'", e.Message);
    }

    public void Dispose() => temp.Dispose();
}
