namespace QiTech.Os.Tests.Support;

/// <summary>A fresh directory deleted (store bits and all) when the test ends.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "qitech-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            QiTech.Os.Platform.TreeRemover.Remove(Path);
        }
        catch (IOException)
        {
            // Best effort: a test that already failed should not fail again here.
        }
    }
}
