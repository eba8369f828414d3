using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Sources;

/// <summary>The update pipeline up to activation: failures before it leave the machine as it was.</summary>
public sealed class UpdateInstallTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-install");
    private readonly GitFixture _repo;

    public UpdateInstallTests() => _repo = new GitFixture(_temp.Combine("repo"));

    private string Root => _temp.Combine("root");

    [Fact]
    public void A_configuration_error_at_the_ref_names_its_place_and_adds_no_generation()
    {
        _repo.Write("machine.yaml", "system:\n  hostName: Not_A_Host\n");
        _repo.Commit("bad host name", 6);

        var r = OurCli.Run("--root", Root, "update", "install", "main", "--source", _repo.Path);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("==> fetch", r.Stderr);
        Assert.Contains("machine.yaml:2:13: system.hostName: expected host name", r.Stderr);
        Assert.DoesNotContain("==> activate", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(Root, "qitech/profiles")) && Directory.EnumerateFileSystemEntries(Path.Combine(Root, "qitech/profiles"), "system-*").Any());
    }

    [Fact]
    public void The_running_configuration_names_the_source_and_the_file_the_next_update_builds()
    {
        var config = $"system:\n  hostName: first\n  update:\n    source: {_repo.Path}\n    configFile: conf/machine.yaml\n";
        _repo.Write("conf/machine.yaml", config);
        _repo.Commit("configuration in a folder", 6);
        _repo.Git("tag", "first");
        _repo.Write("conf/machine.yaml", config.Replace("hostName: first", "hostName: second", StringComparison.Ordinal));
        _repo.Commit("second host name", 7);

        var first = OurCli.Run("--root", Root, "update", "install", "first", "--source", _repo.Path, "--config-file", "conf/machine.yaml");
        // Neither --source nor --config-file: both come from the running system's configuration.
        var second = OurCli.Run("--root", Root, "update", "install", "main");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        var layout = new QiTech.Os.Store.SystemLayout(Root, new QiTech.Os.Nix.StoreDirectory(QiTech.Os.Nix.StoreDirectory.Default));
        Assert.Equal("second\n", File.ReadAllText(QiTech.Os.Store.RootedPath.Resolve(layout, "/etc/hostname")));
    }

    [Fact]
    public void The_generation_keeps_the_ref_the_operator_chose_and_the_commit_it_resolved_to()
    {
        _repo.Write("machine.yaml", "system:\n  hostName: chosen\n");
        _repo.Commit("a configuration", 6);
        _repo.Git("tag", "v1.2");
        _repo.Git("branch", "topic/x");
        var commit = _repo.Head;

        var byBranch = OurCli.Run("--root", Root, "update", "install", "topic/x", "--source", _repo.Path);
        var listed = OurCli.Run("--root", Root, "list-generations");
        // The same commit by its tag builds the same system: the generation is reused, named as chosen last.
        var byTag = OurCli.Run("--root", Root, "update", "install", "v1.2", "--source", _repo.Path);
        var json = OurCli.Run("--root", Root, "list-generations", "--json");

        Assert.True(byBranch.ExitCode == 0, byBranch.Stderr);
        Assert.True(byTag.ExitCode == 0, byTag.Stderr);
        Assert.Contains($"topic/x = v1.2 ({commit[..7]})", listed.StdoutText);
        using var generations = System.Text.Json.JsonDocument.Parse(json.StdoutText);
        var origin = Assert.Single(generations.RootElement.EnumerateArray()).GetProperty("origin");
        Assert.Equal(("v1.2", commit), (origin.GetProperty("ref").GetString(), origin.GetProperty("commit").GetString()));
    }

    [Fact]
    public void A_configuration_naming_a_transport_trick_as_its_source_is_refused_with_its_place()
    {
        _repo.Write("machine.yaml", "system:\n  update:\n    source: 'ext::sh -c id'\n");
        _repo.Commit("a source that runs a program", 6);

        var r = OurCli.Run("--root", Root, "update", "install", "main", "--source", _repo.Path);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("machine.yaml:3:13: system.update.source:", r.Stderr);
        Assert.DoesNotContain("==> activate", r.Stderr);
    }

    [Fact]
    public void A_ref_without_a_configuration_is_refused_before_building()
    {
        var r = OurCli.Run("--root", Root, "update", "install", "v1.0", "--source", _repo.Path);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error: v1.0: the commit has no configuration file 'machine.yaml' nor 'configuration/machine.yaml'; it has no YAML file (name one with --config-file or system.update.configFile)\n", r.Stderr);
        Assert.DoesNotContain("==> build system", r.Stderr);
    }

    [Fact]
    public void A_named_file_the_commit_lacks_is_refused_with_the_yaml_files_it_has()
    {
        _repo.Write("conf/b.yaml", "system:\n  hostName: b\n");
        _repo.Write("conf/a.yml", "system:\n  hostName: a\n");
        _repo.Write(".hidden/c.yaml", "system:\n  hostName: c\n");
        _repo.Commit("two configurations", 6);

        var r = OurCli.Run("--root", Root, "update", "install", "main", "--source", _repo.Path, "--config-file", "conf/machine.yaml");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error: main: the commit has no configuration file 'conf/machine.yaml'; its YAML files: conf/a.yml, conf/b.yaml (name one with --config-file or system.update.configFile)\n", r.Stderr);
    }

    [Fact]
    public void On_a_fresh_root_this_repository_s_layout_configuration_machine_yaml_is_found_by_default()
    {
        _repo.Write("configuration/machine.yaml", "system:\n  hostName: layout\n");
        _repo.Commit("configuration in its folder", 6);

        var r = OurCli.Run("--root", Root, "update", "install", "main", "--source", _repo.Path);

        Assert.True(r.ExitCode == 0, r.Stderr);
        var layout = new QiTech.Os.Store.SystemLayout(Root, new QiTech.Os.Nix.StoreDirectory(QiTech.Os.Nix.StoreDirectory.Default));
        Assert.Equal("layout\n", File.ReadAllText(QiTech.Os.Store.RootedPath.Resolve(layout, "/etc/hostname")));
    }

    [Fact]
    public void Two_activation_modes_at_once_are_bad_input()
    {
        var r = OurCli.Run("--root", Root, "update", "install", "main", "--switch", "--test", "--source", _repo.Path);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("at most one of --switch, --boot, --test", r.Stderr);
    }

    [Fact]
    public void Packages_are_built_between_evaluation_and_the_system_and_only_once_per_commit()
    {
        _repo.Write("tools/greeting.txt", "hi\n");
        _repo.Write("machine.yaml", """
            system:
              hostName: pkg
            packages:
              greeter:
                build:
                  source: ./tools
                  script: |
                    echo compiling
                    mkdir -p "$out/share"; cp "$src/greeting.txt" "$out/share/"
            environment:
              systemPackages: [greeter]
            """);
        _repo.Commit("a package built from source", 6);

        var first = OurCli.Run("--root", Root, "update", "install", "main", "--source", _repo.Path);
        var second = OurCli.Run("--root", Root, "update", "install", "main", "--source", _repo.Path);

        Assert.True(first.ExitCode == 0, first.Stderr);
        var steps = first.Stderr.Split('\n').Where(l => l.StartsWith("==> ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["==> fetch", "==> evaluate configuration", "==> build packages", "==> build system", "==> activate"], steps);
        Assert.Contains("    greeter> compiling\n", first.Stderr, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("    greeter is already built: /qitech/store/", second.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("greeter> compiling", second.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_package_build_activates_nothing()
    {
        _repo.Write("machine.yaml", "packages:\n  broken:\n    build:\n      script: echo no compiler here; exit 7\nenvironment:\n  systemPackages: [broken]\n");
        _repo.Commit("a package that cannot build", 6);

        var r = OurCli.Run("--root", Root, "update", "install", "main", "--source", _repo.Path);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("==> build packages", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("error: build of 'broken' failed: the builder exited with code 7; last 1 log lines:\n  no compiler here\nfull log: ", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("==> build system", r.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Root, "qitech/profiles")) && Directory.EnumerateFileSystemEntries(Path.Combine(Root, "qitech/profiles"), "system-*").Any());
    }

    [Fact]
    public void A_commit_gives_the_same_package_installed_as_an_update_and_built_from_a_clone()
    {
        // The fixture holds an executable and a symlink: both must enter the store alike.
        _repo.Write("machine.yaml", """
            packages:
              tree:
                build:
                  source: .
                  script: cd "$src"; find . -printf '%p %y %m\n' | sort > "$out"
            environment:
              systemPackages: [tree]
            """);
        _repo.Commit("a package of the whole tree", 6);
        var clone = _temp.Combine("elsewhere", "clone");
        Directory.CreateDirectory(Path.GetDirectoryName(clone)!);
        _repo.Git("clone", "-q", _repo.Path, clone);

        var local = OurCli.Run("--root", _temp.Combine("local-root"), "build", "--config", Path.Combine(clone, "machine.yaml"));
        var update = OurCli.Run("--root", Root, "update", "install", "main", "--source", _repo.Path);

        Assert.True(local.ExitCode == 0, local.Stderr);
        Assert.True(update.ExitCode == 0, update.Stderr);
        var fromClone = File.ResolveLinkTarget(_temp.Combine("local-root") + local.StdoutText.Trim() + "/sw/tree", false)!.ToString();
        var installed = File.ResolveLinkTarget(Root + File.ResolveLinkTarget(Root + "/run/current-system", false)!.ToString() + "/sw/tree", false)!.ToString();
        Assert.Equal(fromClone, installed);
        Assert.Contains("./run.sh f 555\n", File.ReadAllText(Root + installed), StringComparison.Ordinal);
        Assert.Contains("./link-to-readme l 777\n", File.ReadAllText(Root + installed), StringComparison.Ordinal);
    }

    [Fact]
    public void A_source_inside_the_installed_tree_is_taken_whole_even_when_the_root_lies_in_a_work_tree()
    {
        _repo.Write("tools/greeting.txt", "hi\n");
        _repo.Write("machine.yaml", "packages:\n  greeter:\n    build:\n      source: ./tools\n      script: mkdir \"$out\"; cat \"$src/greeting.txt\" > \"$out/greeting\"\n"
            + "environment:\n  systemPackages: [greeter]\n");
        _repo.Commit("a package from a subfolder", 6);
        // A demo root inside a checkout that ignores it: git must not decide what the tree holds.
        var outer = _temp.Combine("outer");
        Directory.CreateDirectory(outer);
        File.WriteAllText(Path.Combine(outer, ".gitignore"), "root/\n");
        GitRepo.CommitAll(outer);
        var root = Path.Combine(outer, "root");

        var r = OurCli.Run("--root", root, "update", "install", "main", "--source", _repo.Path);

        Assert.True(r.ExitCode == 0, r.Stderr);
        var package = Assert.Single(Directory.GetDirectories(Path.Combine(root, "qitech", "store"), "*-greeter"));
        Assert.Equal("hi\n", File.ReadAllText(Path.Combine(package, "greeting")));
    }

    public void Dispose() => _temp.Dispose();
}
