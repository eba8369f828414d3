using QiTech.Os.Platform;

namespace QiTech.Os.Tests.Support;

/// <summary>
/// Random file trees from a seed: files of many sizes (some executable, some identical),
/// symlinks (dangling too), empty directories, nesting, and names made of arbitrary bytes
/// (anything but '/' and NUL), written with raw calls since .NET would re-encode them.
/// </summary>
public static class RandomTree
{
    private const string NameChars = "abcXYZ019._-+= ";

    public static string Create(string root, int seed, int maxEntries = 40, bool rawNames = true)
    {
        var random = new Random(seed);
        Directory.CreateDirectory(root);
        var budget = maxEntries;
        Fill(root, random, 0, ref budget, rawNames);
        return root;
    }

    private static void Fill(string dir, Random random, int depth, ref int budget, bool rawNames)
    {
        var count = random.Next(0, 6);
        var used = new HashSet<string>();
        for (var i = 0; i < count && budget > 0; i++, budget--)
        {
            var name = Name(random, rawNames);
            if (!used.Add(Convert.ToHexString(name)))
            {
                continue;
            }
            var fd = Posix.Open(Posix.AtFdCwd, Posix.Z(dir), Posix.ORdOnly | Posix.ODirectory, 0, dir);
            try
            {
                var z = Posix.Z(name);
                switch (random.Next(0, depth > 6 ? 3 : 4))
                {
                    case 0:
                    case 1:
                        WriteFile(fd, z, random);
                        break;
                    case 2:
                        var target = random.Next(3) == 0 ? "../missing/" + random.Next() : "x" + random.Next(5);
                        Posix.SymlinkAt(Posix.Z(target), fd, z);
                        break;
                    default:
                        Posix.MkdirAt(fd, z, Posix.Mode0755);
                        // Recurse through the raw name: open it relative to its parent.
                        FillRaw(fd, z, random, depth + 1, ref budget, rawNames);
                        break;
                }
            }
            finally
            {
                Posix.close(fd);
            }
        }
    }

    private static void FillRaw(int parentFd, byte[] zname, Random random, int depth, ref int budget, bool rawNames)
    {
        // /proc/self/fd gives a path for a directory whose own name may not be valid UTF-8.
        var fd = Posix.Open(parentFd, zname, Posix.ORdOnly | Posix.ODirectory, 0, "tree");
        try
        {
            var viaProc = new FileInfo($"/proc/self/fd/{fd}").LinkTarget!;
            if (Directory.Exists(viaProc))
            {
                Fill(viaProc, random, depth, ref budget, rawNames);
            }
        }
        finally
        {
            Posix.close(fd);
        }
    }

    private static void WriteFile(int dirfd, byte[] zname, Random random)
    {
        var executable = random.Next(4) == 0;
        var size = random.Next(5) switch
        {
            0 => 0,
            1 => random.Next(1, 9),
            2 => random.Next(9, 5000),
            3 => random.Next(5000, 300_000),
            _ => random.Next(3) == 0 ? 1_500_000 + random.Next(100) : 17,
        };
        var data = new byte[size];
        // Some files share content, so deduplication gets exercised.
        if (random.Next(3) == 0)
        {
            new Random(size).NextBytes(data);
        }
        else
        {
            random.NextBytes(data);
        }
        var fd = Posix.Open(dirfd, zname, Posix.OWrOnly | Posix.OCreat | Posix.OExcl, executable ? Posix.Mode0755 : 0x1A4, "file");
        using var handle = Posix.Handle(fd);
        RandomAccess.Write(handle, data, 0);
    }

    private static byte[] Name(Random random, bool rawNames)
    {
        var length = random.Next(1, 12);
        var name = new byte[length];
        for (var i = 0; i < length; i++)
        {
            byte b;
            do
            {
                b = rawNames && random.Next(4) == 0 ? (byte)random.Next(1, 256) : (byte)NameChars[random.Next(NameChars.Length)];
            }
            while (b == (byte)'/');
            name[i] = b;
        }
        if (name.AsSpan().SequenceEqual("."u8) || name.AsSpan().SequenceEqual(".."u8))
        {
            name[0] = (byte)'n';
        }
        return name;
    }
}
