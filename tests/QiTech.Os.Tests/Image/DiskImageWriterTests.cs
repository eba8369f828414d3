using QiTech.Os.Image;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Image;

/// <summary>
/// The image's root file system holds every file of its tree byte for byte, read back with
/// e2fsprogs' own debugfs: among them files that end in a block of zeros, which
/// <c>mkfs.ext4 -d</c> with inline_data (Debian 12's e2fsprogs) cuts short unless repaired.
/// </summary>
public sealed class DiskImageWriterTests : IDisposable
{
    private readonly TempDir _dir = new("qitech-image-writer");

    public void Dispose() => _dir.Dispose();

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_file_of_the_root_tree_is_in_the_image_whole_also_those_ending_in_zeros(bool withAFileOfZerosAlone)
    {
        Skip.IfNot(File.Exists("/usr/sbin/mkfs.ext4") && File.Exists("/usr/sbin/debugfs") && File.Exists("/usr/bin/mcopy"),
            "needs e2fsprogs, dosfstools and mtools (.ci/packages.txt)");
        var tree = _dir.Combine("root");
        Directory.CreateDirectory(tree + "/usr/lib/locale");
        var random = new Random(5);
        var files = new Dictionary<string, byte[]>
        {
            // As glibc's ps_AF LC_CTYPE: data, then a last partial block of zeros.
            ["/usr/lib/locale/LC_CTYPE"] = [.. RandomBytes(random, 76 * 4096), .. new byte[312]],
            ["/usr/lib/whole-zero-block"] = [.. RandomBytes(random, 4096), .. new byte[4096]],
            ["/usr/lib/plain"] = RandomBytes(random, 9000),
            ["/usr/tiny"] = "inline\n"u8.ToArray(),
        };
        if (withAFileOfZerosAlone)
        {
            files["/usr/lib/all-zeros"] = new byte[10000];
        }
        foreach (var (path, bytes) in files)
        {
            File.WriteAllBytes(tree + path, bytes);
        }
        File.CreateSymbolicLink(tree + "/usr/lib/link", "plain");
        var esp = _dir.Combine("esp");
        Directory.CreateDirectory(esp);
        var layout = DiskLayout.Derived(320 * DiskLayout.MiB, "image-writer-test");
        var image = _dir.Combine("disk.img");

        await DiskImageWriter.WriteAsync(image, layout, esp, tree, _dir.Path, _ => { }, CancellationToken.None);

        var root = _dir.Combine("root.ext4");
        Assert.Equal(0, HostProgram.Run("/usr/bin/dd", [$"if={image}", $"of={root}", "bs=1M", $"skip={layout.RootOffset / DiskLayout.MiB}",
            $"count={layout.RootBytes / DiskLayout.MiB}", "status=none"]).ExitCode);
        Assert.Equal(0, HostProgram.Run("/usr/sbin/e2fsck", ["-fn", root]).ExitCode);
        // Small directories in their inodes, unless a file of zeros alone rules it out.
        var features = HostProgram.Run("/usr/sbin/dumpe2fs", ["-h", root]).StdoutText;
        Assert.Equal(!withAFileOfZerosAlone, System.Text.RegularExpressions.Regex.IsMatch(features, @"features:.*\binline_data\b"));
        foreach (var (path, bytes) in files)
        {
            var dumped = _dir.Combine("dumped");
            File.Delete(dumped);
            var dump = HostProgram.Run("/usr/sbin/debugfs", ["-R", $"dump {path} {dumped}", root]);
            Assert.True(File.Exists(dumped), dump.Stderr);
            // The size the kernel reads is the inode's; debugfs 1.47.0 dumps an inline file's whole 60-byte area.
            var size = System.Text.RegularExpressions.Regex.Match(HostProgram.Run("/usr/sbin/debugfs", ["-R", $"stat {path}", root]).StdoutText, @"\bSize: (\d+)");
            Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), size.Groups[1].Value);
            var inImage = File.ReadAllBytes(dumped);
            Assert.True(inImage.Length >= bytes.Length && bytes.AsSpan().SequenceEqual(inImage.AsSpan(0, bytes.Length)), $"{path}: {inImage.Length} bytes dumped, {bytes.Length} in the tree");
        }
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
