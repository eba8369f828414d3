using QiTech.Os.Build;

namespace QiTech.Os.Tests.Build;

/// <summary>The C toolchain a NativeAOT publish links with: named by the Debian release, and a rebuild on another release is refused.</summary>
public sealed class NativeToolchainTests
{
    [Fact]
    public void It_is_the_hosts_gcc_versioned_by_the_debian_release()
    {
        var toolchain = HostInputs.NativeToolchain();

        Assert.Equal(HostInputs.NativeToolchainName, toolchain.Name);
        Assert.Equal(HostInputs.DebianRelease(), toolchain.Version);
        Assert.Equal("/usr/bin/gcc", toolchain.SandboxPath);
        Assert.True(HostInput.TryParseDescription(toolchain.Describe(), out var read));
        Assert.Equal(toolchain, read);
    }

    [Fact]
    public void A_derivation_recorded_with_another_toolchain_is_refused_naming_both()
    {
        var toolchain = HostInputs.NativeToolchain();
        Assert.Equal(toolchain, HostInputs.Matching(toolchain with { }));

        var recorded = toolchain with { Version = "debian-1" };
        var e = Assert.Throws<BuildException>(() => HostInputs.Matching(recorded));
        Assert.Equal($"the derivation needs {HostInputs.NativeToolchainName} debian-1 at /usr/bin/gcc, but this host has {toolchain.Version} at /usr/bin/gcc", e.Message);
    }

    [Fact]
    public void The_debian_release_is_the_major_version_so_point_releases_agree()
    {
        var text = File.ReadAllText("/etc/debian_version").Trim();

        Assert.Equal("debian-" + text.Split('.', '/')[0], HostInputs.DebianRelease());
        Assert.DoesNotContain('.', HostInputs.DebianRelease());
        Assert.All(HostInputs.BaseSystem(), input => Assert.Equal(HostInputs.DebianRelease(), input.Version));
    }
}
