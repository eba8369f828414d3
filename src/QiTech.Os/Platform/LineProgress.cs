namespace QiTech.Os.Platform;

/// <summary>
/// Hands each reported line on at once, on the reporting thread: <see cref="Progress{T}"/>
/// would post lines to the thread pool, out of order.
/// </summary>
public sealed class LineProgress(Action<string> report) : IProgress<string>
{
    public void Report(string value) => report(value);
}
