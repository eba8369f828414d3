using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Build;

/// <summary>
/// A system builds (or fetches) only the packages it references and what building them takes:
/// a package declared but referenced by nothing is left alone, as Nix does, so a machine is
/// never asked to build what its system does not hold.
/// </summary>
public sealed class ReferencedPackagesTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-referenced");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_declared_package_nothing_references_is_neither_built_nor_fetched()
    {
        var config = _temp.Combine("machine.yaml");
        File.WriteAllText(config, """
            system:
              hostName: referenced-test
            packages:
              greeting:
                build:
                  script: |
                    echo making the greeting
                    mkdir -p "$out/share"; echo hello > "$out/share/greeting"
              tool:
                build:
                  script: |
                    echo compiling the tool
                    mkdir -p "$out/bin"; printf '#!/bin/sh\necho tool\n' > "$out/bin/tool"; chmod +x "$out/bin/tool"
              unused:
                build:
                  script: |
                    echo compiling the unused one
                    mkdir -p "$out"
            environment:
              systemPackages: [tool]
              etc:
                greeting:
                  text: "see greeting"

            """);

        var build = OurCli.Run("--root", _temp.Combine("root"), "build", "--config", config);

        Assert.True(build.ExitCode == 0, build.Stderr);
        Assert.Contains("tool> compiling the tool", build.Stderr);
        Assert.DoesNotContain("compiling the unused one", build.Stderr);
        Assert.DoesNotContain("making the greeting", build.Stderr);
        Assert.Empty(Directory.GetDirectories(_temp.Combine("root", "qitech", "store"), "*-unused"));
        Assert.Single(Directory.GetDirectories(_temp.Combine("root", "qitech", "store"), "*-tool"));
    }
}
