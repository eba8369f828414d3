using QiTech.Os.Cache;

namespace QiTech.Os.Tests.Cache;

/// <summary>Content-defined cuts: a change in the middle of an index leaves the chunks away from it as they were.</summary>
public sealed class IndexChunkerTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(20_000)]
    [InlineData(65_535)]
    public void A_one_byte_change_changes_at_most_two_chunks(int changedAt)
    {
        var data = new byte[64 << 10];
        new Random(5).NextBytes(data);
        var before = Chunks(data);
        data[changedAt] ^= 0xFF;

        var after = Chunks(data);

        Assert.InRange(after.Except(before).Count(), 1, 2);
        Assert.All(IndexChunker.Split(data), c => Assert.InRange(c.Length, 1, IndexChunker.MaxSize));
        Assert.Equal(data.Length, IndexChunker.Split(data).Sum(c => c.Length));
        Assert.InRange(before.Count, (64 << 10) / IndexChunker.MaxSize, (64 << 10) / IndexChunker.MinSize);
    }

    private static List<string> Chunks(byte[] data) =>
        [.. IndexChunker.Split(data).Select(c => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(data.AsSpan(c.Start, c.Length))))];
}
