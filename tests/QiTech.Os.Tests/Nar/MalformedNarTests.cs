using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Nar;

/// <summary>Every malformed archive is refused with exit code 2, a message naming the fault, and nothing left behind.</summary>
public sealed class MalformedNarTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, byte[], string> Cases()
    {
        var good = NarBytes.Directory(("a", "1"), ("b", "2"));
        return new TheoryData<string, byte[], string>
        {
            { "truncated", good[..(good.Length - 12)], "truncated" },
            { "empty input", [], "truncated" },
            { "bad magic", new NarBytes().Str("nix-archive-2").ToArray(), "magic" },
            { "unsorted", NarBytes.Directory(("b", "1"), ("a", "2")), "not sorted" },
            { "duplicate", NarBytes.Directory(("a", "1"), ("a", "2")), "duplicate entry 'a'" },
            { "dot", NarBytes.Directory((".", "1")), "not allowed" },
            { "dotdot", NarBytes.Directory(("..", "1")), "not allowed" },
            { "empty name", NarBytes.Directory(("", "1")), "empty entry name" },
            { "slash", NarBytes.Directory(("a/b", "1")), "contains '/'" },
            { "absurd name length", NarBytes.Archive().Tokens("(", "type", "directory", "entry", "(", "name").U64(1UL << 40).ToArray(), "longer than the limit" },
            { "absurd file size", NarBytes.Archive().Tokens("(", "type", "regular", "contents").U64(ulong.MaxValue).ToArray(), "absurd" },
            { "trailing garbage", [.. good, .. new byte[] { 1, 2, 3 }], "trailing data" },
            { "unknown type", NarBytes.Archive().Tokens("(", "type", "fifo", ")").ToArray(), "unknown node type" },
            { "nonzero padding", NarBytes.Archive().Tokens("(", "type", "regular", "contents").U64(1).Raw([(byte)'x', 1, 0, 0, 0, 0, 0, 0]).ToArray(), "padding" },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_refuse_malformed_archive_and_leave_nothing(string name, byte[] nar, string expected)
    {
        // Given
        var dest = _dir.Combine("out-" + name.Replace(' ', '-'));

        // When
        var r = OurCli.Run(["store", "restore", dest], nar);

        // Then
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void Should_refuse_to_restore_into_a_non_empty_directory()
    {
        var dest = _dir.Combine("full");
        Directory.CreateDirectory(dest);
        File.WriteAllText(Path.Combine(dest, "keep"), "mine");

        var r = OurCli.Run(["store", "restore", dest], NarBytes.Directory(("a", "1")));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not an empty directory", r.Stderr);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dest, "keep")));
        Assert.Single(Directory.EnumerateFileSystemEntries(dest));
    }

    [Fact]
    public void Should_restore_into_an_existing_empty_directory()
    {
        var dest = _dir.Combine("empty");
        Directory.CreateDirectory(dest);

        var r = OurCli.Run(["store", "restore", dest], NarBytes.Directory(("a", "1")));

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("1", File.ReadAllText(Path.Combine(dest, "a")));
    }

    [Fact]
    public void Should_refuse_to_dump_fifos_and_missing_paths_with_exit_code_2()
    {
        var tree = _dir.Combine("tree");
        Directory.CreateDirectory(tree);
        Assert.Equal(0, HostProgram.Run("mkfifo", [Path.Combine(tree, "pipe")]).ExitCode);

        var fifo = OurCli.Run("store", "dump", tree);
        var missing = OurCli.Run("store", "dump", _dir.Combine("nope"));

        Assert.Equal(2, fifo.ExitCode);
        Assert.Contains("pipe: is a fifo", fifo.Stderr);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no such file or directory", missing.Stderr);
    }
}
