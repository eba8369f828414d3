namespace QiTech.Os.Tests.Support;

/// <summary>
/// The repository's configuration, copied with its .NET packages (minutes of publishing)
/// replaced by script packages the sandbox builds in a moment, and without its Debian base
/// (minutes of mmdebstrap; the VM suite builds and boots it): everything else of the
/// configuration is tested as it is.
/// </summary>
public static class ExampleConfiguration
{
    public const string QuickPackages = """
        packages:
          qitech-control-server:
            build:
              script: |
                mkdir -p "$out/bin"
                printf '#!/bin/sh\nexec sleep 1000000\n' > "$out/bin/qitech-control-server"
                chmod +x "$out/bin/qitech-control-server"
          qitech-osd:
            build:
              script: |
                mkdir -p "$out/bin"
                printf '#!/bin/sh\nexec sleep 1000000\n' > "$out/bin/qitech-osd"
                chmod +x "$out/bin/qitech-osd"
          qitech-os:
            build:
              script: |
                mkdir -p "$out/bin"
                printf '#!/bin/sh\necho qitech-os\n' > "$out/bin/qitech-os"
                chmod +x "$out/bin/qitech-os"
        environment:
          systemPackages: [qitech-os]

        """;

    /// <summary>Copies <c>configuration/</c> to <paramref name="dir"/> with quick packages; returns its machine.yaml.</summary>
    public static string CopyTo(string dir)
    {
        RepoFiles.CopyTree(RepoFiles.Combine("configuration"), dir);
        File.WriteAllText(Path.Combine(dir, "packages.yaml"), QuickPackages);
        File.WriteAllText(Path.Combine(dir, "modules", "os.yaml"), "# the Debian base and qitech-osd's unit: left to the VM suite\n");
        File.WriteAllText(Path.Combine(dir, "modules", "base.yaml"), "# the Debian base: left to the VM suite\n");
        return Path.Combine(dir, "machine.yaml");
    }
}
