namespace QiTech.Os.Tests.Support;

/// <summary>
/// The repository's configuration, copied with its .NET packages (minutes of publishing)
/// replaced by script packages the sandbox builds in a moment: everything else of the
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
        return Path.Combine(dir, "machine.yaml");
    }
}
