using QiTech.Os.Cache;

namespace QiTech.Os.Tests.Cache;

/// <summary>A range of a download: cut from the whole file when a server ignores the range, and never past the file's end.</summary>
public sealed class RangeReadStreamTests
{
    private static readonly byte[] File = [.. Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7))];

    [Theory]
    [InlineData(0, 10)]
    [InlineData(70_000, 100_000)]
    [InlineData(199_990, 10)]
    public void A_whole_file_sent_for_a_range_yields_exactly_the_range(int offset, int length)
    {
        using var range = new RangeReadStream(new MemoryStream(File), offset, length);
        using var read = new MemoryStream();
        range.CopyTo(read);
        Assert.Equal(File.AsSpan(offset, length).ToArray(), read.ToArray());
    }

    [Fact]
    public void A_range_past_the_end_yields_what_there_is()
    {
        using var range = new RangeReadStream(new MemoryStream(File), 199_000, 5_000);
        using var read = new MemoryStream();
        range.CopyTo(read);
        Assert.Equal(1_000, read.Length);
        using var beyond = new RangeReadStream(new MemoryStream(File), 300_000, 10);
        Assert.Equal(0, beyond.Read(new byte[16]));
    }
}
