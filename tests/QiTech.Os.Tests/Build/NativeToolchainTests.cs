using QiTech.Os.Build;

namespace QiTech.Os.Tests.Build;

/// <summary>The C toolchain a NativeAOT publish links with: named by gcc's and binutils' versions, and a rebuild refuses another.</summary>
public sealed class NativeToolchainTests
{
    [Fact]
    public void It_is_the_hosts_gcc_versioned_by_gcc_and_binutils()
    {
        var toolchain = HostInputs.NativeToolchain(CancellationToken.None);

        Assert.Equal(HostInputs.NativeToolchainName, toolchain.Name);
        Assert.Matches(@"^gcc-\d+(\.\d+)+\+binutils-\d+(\.\d+)+$", toolchain.Version);
        Assert.Equal(new FileInfo("/usr/bin/gcc").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/usr/bin/gcc", toolchain.SandboxPath);
        Assert.True(HostInput.TryParseDescription(toolchain.Describe(), out var read));
        Assert.Equal(toolchain, read);
    }

    [Fact]
    public void A_derivation_recorded_with_another_toolchain_is_refused_naming_both()
    {
        var toolchain = HostInputs.NativeToolchain(CancellationToken.None);
        Assert.Equal(toolchain, HostInputs.Matching(toolchain with { }, CancellationToken.None));

        var recorded = toolchain with { Version = "gcc-1.0.0+binutils-1.0" };
        var e = Assert.Throws<BuildException>(() => HostInputs.Matching(recorded, CancellationToken.None));
        Assert.Equal($"the derivation needs {HostInputs.NativeToolchainName} gcc-1.0.0+binutils-1.0 at {toolchain.SandboxPath}, but this host has {toolchain.Version} at {toolchain.SandboxPath}", e.Message);
    }
}
