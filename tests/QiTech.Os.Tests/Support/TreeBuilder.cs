using System.Text;

namespace QiTech.Os.Tests.Support;

/// <summary>Makes file trees with the cases NAR must get right.</summary>
public static class TreeBuilder
{
    public static string EdgeCases(string root)
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "plain.txt"), "hello\n");
        File.WriteAllBytes(Path.Combine(root, "empty"), []);
        var exe = Path.Combine(root, "run.sh");
        File.WriteAllText(exe, "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Combine(root, "empty-dir"));
        File.CreateSymbolicLink(Path.Combine(root, "dangling"), "../nowhere/at/all");
        File.CreateSymbolicLink(Path.Combine(root, "to-plain"), "plain.txt");
        var deep = root;
        for (var i = 0; i < 40; i++)
        {
            deep = Path.Combine(deep, "d" + i);
        }
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(deep, "leaf"), "deep");
        File.WriteAllText(Path.Combine(root, "ünïcødé name"), "u");
        File.WriteAllText(Path.Combine(root, "A-upper"), "sorted before lowercase");
        File.WriteAllText(Path.Combine(root, "with\nnewline"), "n");
        var big = new byte[3 * 1024 * 1024 + 5];
        new Random(42).NextBytes(big);
        File.WriteAllBytes(Path.Combine(root, "big.bin"), big);
        File.WriteAllBytes(Path.Combine(root, "seven"), Encoding.ASCII.GetBytes("1234567"));
        return root;
    }
}
