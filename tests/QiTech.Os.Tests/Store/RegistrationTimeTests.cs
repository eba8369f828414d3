using Microsoft.Extensions.Time.Testing;
using QiTech.Os.Platform;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Store;

/// <summary>A path's registration time is the store's clock when it was registered, however it came in.</summary>
public sealed class RegistrationTimeTests : IDisposable
{
    private static readonly DateTimeOffset Then = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private readonly TempDir _temp = new("qitech-registration");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Added_and_imported_paths_carry_the_store_clock_s_time()
    {
        var clock = new FakeTimeProvider(Then);
        using var source = LocalStore.Open(SystemLayout.FromOptions(_temp.Combine("a"), null), clock);
        var text = source.AddText("note", "hello\n", []);
        Directory.CreateDirectory(_temp.Combine("tree"));
        File.WriteAllText(_temp.Combine("tree", "file"), "x\n");
        var tree = source.AddPath(_temp.Combine("tree"), "tree");

        Assert.Equal(Then, source.QueryPathInfo(text)!.RegistrationTime);
        Assert.Equal(Then, source.QueryPathInfo(tree)!.RegistrationTime);

        using var stream = new MemoryStream();
        new StoreTransfer(source).Export([text, tree], stream);
        stream.Position = 0;
        var later = new FakeTimeProvider(Then.AddDays(1));
        using var target = LocalStore.Open(SystemLayout.FromOptions(_temp.Combine("b"), null), later);
        new StoreTransfer(target).Import(stream);

        Assert.Equal(Then.AddDays(1), target.QueryPathInfo(text)!.RegistrationTime);
        Assert.Equal(Then.AddDays(1), target.QueryPathInfo(tree)!.RegistrationTime);
    }
}
