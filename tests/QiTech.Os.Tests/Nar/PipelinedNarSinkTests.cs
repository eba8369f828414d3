using QiTech.Os.Nar;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Nar;

/// <summary>Events handed to another thread arrive whole and in order; the consumer's failure reaches the producer.</summary>
public sealed class PipelinedNarSinkTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Should_relay_a_tree_as_the_same_nar_as_a_direct_read(int seed)
    {
        // Given a random tree with a file larger than a batch and a name longer than most
        using var dir = new TempDir();
        var root = RandomTree.Create(dir.Combine("t"), seed, maxEntries: 200);
        var big = new byte[(3 << 20) + 12345];
        new Random(seed).NextBytes(big);
        File.WriteAllBytes(Path.Combine(root, "big"), big);
        File.WriteAllText(Path.Combine(root, new string('n', 250)), "long name");

        // When it is read once straight into a serializer and once through the pipeline
        var direct = new MemoryStream();
        FileSystemNarSource.Read(root, new NarSerializer(direct));
        var relayed = new MemoryStream();
        using (var pipe = new PipelinedNarSink(new NarSerializer(relayed)))
        {
            FileSystemNarSource.Read(root, pipe);
            pipe.Complete();
        }

        // Then both are the same bytes, which are Nix's
        Assert.Equal(direct.ToArray(), relayed.ToArray());
        Assert.Equal(NixOracle.Dump(root), relayed.ToArray());
    }

    [Fact]
    public void Should_throw_the_consumers_failure_to_the_producer_and_stop()
    {
        // Given a consumer that fails at its third file
        using var pipe = new PipelinedNarSink(new FailingSink(failAt: 3));
        var data = new byte[64 * 1024];

        // When a producer keeps sending more than the pipeline can hold
        var thrown = Assert.Throws<IOException>(() =>
        {
            pipe.BeginDirectory();
            for (var i = 0; i < 10_000; i++)
            {
                pipe.BeginEntry(System.Text.Encoding.ASCII.GetBytes($"f{i:D5}"));
                pipe.BeginRegular(false, data.Length);
                pipe.Data(data);
                pipe.EndRegular();
                pipe.EndEntry();
            }
            pipe.EndDirectory();
            pipe.Complete();
        });

        // Then it gets the consumer's own exception instead of waiting forever
        Assert.Equal("disk on fire at file 3", thrown.Message);
    }

    private sealed class FailingSink(int failAt) : INarSink
    {
        private int _files;

        public void BeginRegular(bool executable, long size)
        {
            if (++_files == failAt)
            {
                throw new IOException($"disk on fire at file {failAt}");
            }
        }

        public void Data(ReadOnlySpan<byte> chunk) { }
        public void EndRegular() { }
        public void Symlink(ReadOnlySpan<byte> target) { }
        public void BeginDirectory() { }
        public void BeginEntry(ReadOnlySpan<byte> name) { }
        public void EndEntry() { }
        public void EndDirectory() { }
    }
}
