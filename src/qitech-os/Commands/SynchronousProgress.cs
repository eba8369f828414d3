namespace QiTech.Os.Cli.Commands;

/// <summary>Reports on the reporting thread, in order (<see cref="Progress{T}"/> posts to the pool and may reorder lines).</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
