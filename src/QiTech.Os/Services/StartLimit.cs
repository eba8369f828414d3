namespace QiTech.Os.Services;

/// <summary>
/// systemd's start limit: at most <c>burst</c> starts within <c>interval</c>, so a service that
/// crashes at once ends in "failed" instead of restarting forever. Read from a
/// <see cref="TimeProvider"/>, so a crash loop is tested without waiting for it.
/// </summary>
internal sealed class StartLimit(int burst, TimeSpan interval, TimeProvider time)
{
    private readonly Queue<DateTimeOffset> _recent = new();

    /// <summary>Counts a start now; false, without counting it, when the limit is reached.</summary>
    public bool TryCountStart()
    {
        var now = time.GetUtcNow();
        while (_recent.Count > 0 && now - _recent.Peek() > interval)
        {
            _recent.Dequeue();
        }
        if (_recent.Count >= burst)
        {
            return false;
        }
        _recent.Enqueue(now);
        return true;
    }

    /// <summary>A start that is asked for (a switch, an operator's restart) begins a fresh count.</summary>
    public void Reset() => _recent.Clear();
}
