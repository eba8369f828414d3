using System.Text;
using QiTech.Os.Errors;
using QiTech.Os.Platform;

namespace QiTech.Os.Image;

/// <summary>
/// Puts back the sizes <c>mkfs.ext4 -d</c> loses on a file system with <c>inline_data</c>
/// (e2fsprogs 1.47.0, Debian 12's): a file whose last block is all zeros is written as a hole
/// and its size ends at the block before it (glibc's ps_AF LC_CTYPE: 311,608 bytes became
/// 311,296; 23 files of a Debian base). Those files are found in the tree the file system was
/// made from and their sizes set with <c>debugfs sif</c>, which any later e2fsprogs makes a
/// no-op. The data is right: only the size was short. A file of nothing but zeros cannot be
/// mended so (it stays an inline inode of no data): a tree with one is made without inline_data.
/// </summary>
internal static class InlineDataSizeRepair
{
    public const int BlockSize = 4096;

    /// <summary>What a tree needs: the files whose size must be set after mkfs, and a file (if any) that rules inline_data out.</summary>
    public sealed record Plan(IReadOnlyList<(string Path, long Size)> ZeroTailed, string? AllZeros);

    /// <summary>Sets the size of every zero-tailed file of the plan in the file system image <paramref name="image"/>; returns how many.</summary>
    public static async Task<int> RepairAsync(string image, Plan plan, CancellationToken cancel)
    {
        var files = plan.ZeroTailed;
        if (files.Count == 0)
        {
            return 0;
        }
        var commands = new StringBuilder();
        foreach (var (path, size) in files)
        {
            commands.Append("sif \"").Append(path).Append("\" size ").Append(size).Append('\n');
        }
        var result = await ProcessRunner.RunAsync(new ProcessCommand("/usr/sbin/debugfs", ["-w", "-f", "-", image]) { Input = Encoding.UTF8.GetBytes(commands.ToString()) }, cancel);
        // debugfs exits 0 whatever its commands did: anything on stderr but its banner is a failure.
        var errors = result.Stderr.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("debugfs ", StringComparison.Ordinal)).ToList();
        if (result.ExitCode != 0 || errors.Count > 0)
        {
            throw new QiTechOsException($"debugfs could not set the sizes mkfs.ext4 lost in {image}: {string.Join(" / ", errors.Take(3))}");
        }
        return files.Count;
    }

    /// <summary>Regular files (each inode once) whose last block holds only zeros, by their path in the tree ("/usr/lib/…"), and the first that is zeros alone.</summary>
    public static Plan Scan(string tree, CancellationToken cancel)
    {
        var found = new List<(string, long)>();
        string? allZeros = null;
        var seen = new HashSet<ulong>();
        var block = new byte[BlockSize];
        Walk(Encoding.UTF8.GetBytes(tree), "");
        return new Plan(found, allZeros);

        // By raw names: a name need not be UTF-8 until it has to be written for debugfs.
        void Walk(byte[] dir, string prefix)
        {
            cancel.ThrowIfCancellationRequested();
            var shownDir = Posix.Show(dir);
            foreach (var raw in Posix.ListDirectory(Posix.AtFdCwd, Posix.Z(dir), shownDir))
            {
                byte[] path = [.. dir, (byte)'/', .. raw];
                var name = Posix.Show(raw);
                var st = Posix.Stat(Posix.AtFdCwd, Posix.Z(path), shownDir + "/" + name);
                if (st.IsDirectory)
                {
                    Walk(path, prefix + "/" + name);
                }
                else if (st.IsRegular && st.Size > 0 && seen.Add(st.Inode) && EndsInZeros(path, shownDir + "/" + name, (long)st.Size, block))
                {
                    var inImage = prefix + "/" + name;
                    if (inImage.Any(c => c == '"' || char.IsControl(c)) || !raw.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(name)))
                    {
                        throw new QiTechOsException($"{shownDir}/{name}: its name cannot be given to debugfs, which must set its size (it ends in a block of zeros)");
                    }
                    found.Add((inImage, (long)st.Size));
                    allZeros ??= IsAllZeros(path, shownDir + "/" + name) ? shownDir + "/" + name : null;
                }
            }
        }
    }

    /// <summary>A file of the tree by its raw name, never through a symlink.</summary>
    private static FileStream OpenRead(byte[] path, string shown) =>
        new(Posix.Handle(Posix.Open(Posix.AtFdCwd, Posix.Z(path), Posix.ORdOnly | Posix.ONoFollow, 0, shown)), FileAccess.Read, 1);

    private static bool IsAllZeros(byte[] path, string shown)
    {
        using var file = OpenRead(path, shown);
        var buffer = new byte[1 << 16];
        int n;
        while ((n = file.Read(buffer)) > 0)
        {
            if (buffer.AsSpan(0, n).ContainsAnyExcept((byte)0))
            {
                return false;
            }
        }
        return true;
    }

    private static bool EndsInZeros(byte[] path, string shown, long size, byte[] block)
    {
        using var file = OpenRead(path, shown);
        var start = (size - 1) / BlockSize * BlockSize;
        file.Seek(start, SeekOrigin.Begin);
        var n = file.ReadAtLeast(block.AsSpan(0, (int)(size - start)), (int)(size - start), throwOnEndOfStream: false);
        return !block.AsSpan(0, n).ContainsAnyExcept((byte)0);
    }
}
