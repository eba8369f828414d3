namespace QiTech.Os.Tests.Support;

/// <summary>The real Nix (Debian's nix-bin) used as the oracle for formats.</summary>
public static class NixOracle
{
    public static QiTech.Os.Platform.ProcessResult Store(params string[] args) => HostProgram.Run("nix-store", args);

    public static byte[] Dump(string path)
    {
        var r = Store("--dump", path);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.Stdout;
    }

    public static string Hash(string path, bool base32)
    {
        var r = HostProgram.Run("nix-hash", base32 ? ["--type", "sha256", "--base32", path] : ["--type", "sha256", path]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.StdoutText.Trim();
    }
}
