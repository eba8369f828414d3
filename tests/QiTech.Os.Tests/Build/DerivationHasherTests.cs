using QiTech.Os.Build;
using QiTech.Os.Nix;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Build;

/// <summary>Output paths are the ones the real Nix derives for the same derivation.</summary>
public sealed class DerivationHasherTests
{
    private static readonly DerivationHasher NixStore = new(new StoreDirectory("/nix/store"));

    private static string NixOutPath(string attrs, string output = "out")
    {
        var r = HostProgram.Run("nix-instantiate", ["--readonly-mode", "--eval", "-E", $"(derivation {{ {attrs} }}).{output}.outPath"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.StdoutText.Trim().Trim('"');
    }

    [Fact]
    public void A_plain_derivation_gets_nix_s_output_path()
    {
        var drv = new Derivation
        {
            Name = "hello",
            Builder = "/bin/sh",
            Args = ["-c", "echo \"hi\" > $out\n"],
            Env = new Dictionary<string, string> { ["FOO"] = "bar\tbaz\\" },
        };

        var path = NixStore.Resolve(drv).Out;

        Assert.Equal(NixOutPath("name=\"hello\"; builder=\"/bin/sh\"; system=\"x86_64-linux\"; args=[\"-c\" \"echo \\\"hi\\\" > $out\\n\"]; FOO=\"bar\\tbaz\\\\\";"),
            "/nix/store/" + path.BaseName);
    }

    [Fact]
    public void Each_output_of_a_multi_output_derivation_gets_nix_s_path()
    {
        var drv = new Derivation { Name = "lib", Builder = "/bin/sh", Outputs = ["out", "dev"] };
        var attrs = "name=\"lib\"; builder=\"/bin/sh\"; system=\"x86_64-linux\"; outputs=[\"out\" \"dev\"];";

        var resolved = NixStore.Resolve(drv);

        Assert.Equal(NixOutPath(attrs, "out"), "/nix/store/" + resolved.Outputs["out"].BaseName);
        Assert.Equal(NixOutPath(attrs, "dev"), "/nix/store/" + resolved.Outputs["dev"].BaseName);
    }
}
