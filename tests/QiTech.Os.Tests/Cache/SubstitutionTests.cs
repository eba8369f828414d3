using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Cache;

/// <summary>
/// <c>system.update.substituters</c>: a build fetches what a trusted cache has instead of
/// building it (the build machine pushed it), builds what no cache has, and refuses a cache
/// whose signatures it does not trust.
/// </summary>
public sealed class SubstitutionTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-subst");

    public void Dispose() => _temp.Dispose();

    private string Config => _temp.Combine("config", "machine.yaml");

    private string CacheDir => _temp.Combine("cache");

    private void WriteConfig(string substituters, string keys, string greeting = "hello\n")
    {
        Directory.CreateDirectory(_temp.Combine("config", "tools"));
        File.WriteAllText(_temp.Combine("config", "tools", "greeting.txt"), greeting);
        File.WriteAllText(Config, $$"""
            system:
              hostName: subst-test
              update:
                substituters: {{substituters}}
                trustedPublicKeys: {{keys}}
            packages:
              tool:
                build:
                  source: ./tools
                  script: |
                    echo compiling the tool
                    mkdir -p "$out/share"; cp "$src/greeting.txt" "$out/share/"
            environment:
              systemPackages: [tool]

            """);
    }

    private QiTech.Os.Platform.ProcessResult Build(string root) => OurCli.Run("--root", _temp.Combine(root), "build", "--config", Config);

    private string Key(string name)
    {
        var r = OurCli.Run("cache", "key", "generate", name, _temp.Combine(name + ".sec"), _temp.Combine(name + ".pub"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        return File.ReadAllText(_temp.Combine(name + ".pub")).Trim();
    }

    [Fact]
    public void A_package_the_cache_has_is_fetched_not_built_and_gives_the_same_system()
    {
        var pub = Key("ci-1");
        WriteConfig($"[\"file://{CacheDir}\"]", $"[\"{pub}\"]");
        // The build machine builds and pushes.
        var ci = Build("ci");
        Assert.True(ci.ExitCode == 0, ci.Stderr);
        Assert.Contains("tool> compiling the tool", ci.Stderr);
        var system = ci.StdoutText.Trim();
        var push = OurCli.Run("--root", _temp.Combine("ci"), "cache", "push", "--to", "file://" + CacheDir, "--secret-key-file", _temp.Combine("ci-1.sec"), system);
        Assert.True(push.ExitCode == 0, push.Stderr);

        var machine = Build("machine");

        Assert.True(machine.ExitCode == 0, machine.Stderr);
        Assert.Equal(system, machine.StdoutText.Trim());
        Assert.Contains("fetched /qitech/store/", machine.Stderr);
        Assert.DoesNotContain("compiling the tool", machine.Stderr);
        Assert.Equal(0, OurCli.Run("--root", _temp.Combine("machine"), "store", "verify", "--check-contents").ExitCode);
    }

    [Fact]
    public void A_package_no_cache_has_is_built_and_an_unreachable_cache_is_a_warning()
    {
        var pub = Key("ci-2");
        WriteConfig($"[\"file://{CacheDir}\", \"http://127.0.0.1:9/\"]", $"[\"{pub}\"]");
        Directory.CreateDirectory(CacheDir);
        File.WriteAllText(Path.Combine(CacheDir, "nix-cache-info"), "StoreDir: /qitech/store\n");

        var machine = Build("machine");

        Assert.True(machine.ExitCode == 0, machine.Stderr);
        Assert.Contains("cannot be reached", machine.Stderr);
        Assert.Contains("tool> compiling the tool", machine.Stderr);
    }

    [Fact]
    public void A_cache_signed_by_an_untrusted_key_fails_the_build_before_anything_is_built()
    {
        var pub = Key("ci-3");
        var other = Key("someone-else");
        WriteConfig($"[\"file://{CacheDir}\"]", $"[\"{pub}\"]");
        var ci = Build("ci");
        Assert.True(ci.ExitCode == 0, ci.Stderr);
        Assert.Equal(0, OurCli.Run("--root", _temp.Combine("ci"), "cache", "push", "--to", "file://" + CacheDir, "--secret-key-file", _temp.Combine("someone-else.sec"), ci.StdoutText.Trim()).ExitCode);

        var machine = Build("machine");

        Assert.Equal(1, machine.ExitCode);
        Assert.Contains("untrusted keys ('someone-else')", machine.Stderr);
        Assert.DoesNotContain("compiling the tool", machine.Stderr);
        _ = other;
    }

    [Fact]
    public void Substituters_without_a_trusted_key_or_with_a_bad_url_are_configuration_errors()
    {
        WriteConfig("[\"ftp://example.com/cache\"]", $"[\"{Key("k-1")}\"]");
        var badUrl = Build("machine");
        WriteConfig("[\"https://cache.example.com/\"]", "[]");
        var noKey = Build("machine");

        Assert.Equal(2, badUrl.ExitCode);
        Assert.Contains("system.update.substituters", badUrl.Stderr);
        Assert.Contains("ftp://example.com/cache", badUrl.Stderr);
        Assert.Equal(2, noKey.ExitCode);
        Assert.Contains("system.update.trustedPublicKeys", noKey.Stderr);
        Assert.Contains("unsigned packages are never installed", noKey.Stderr);
    }
}
