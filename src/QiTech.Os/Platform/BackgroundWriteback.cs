namespace QiTech.Os.Platform;

/// <summary>
/// Starts the writeback of finished files and closes them, on a thread of its own:
/// sync_file_range blocks while the disk's queue is full, and the thread writing the next
/// files should not wait for the disk. Takes ownership of each descriptor it is given.
/// </summary>
internal sealed class BackgroundWriteback : IDisposable
{
    // Descriptors held open at most: the writer waits beyond this, so a slow disk cannot exhaust them.
    private const int MaxOpen = 64;
    private readonly object _gate = new();
    private readonly Queue<int> _files = new();
    private readonly Thread _thread;
    private bool _noMore;
    private bool _busy;

    public BackgroundWriteback()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "writeback" };
        _thread.Start();
    }

    /// <summary>Queues <paramref name="fd"/>, a file whose contents are complete; it is closed after its writeback starts.</summary>
    public void Add(int fd)
    {
        lock (_gate)
        {
            while (_files.Count >= MaxOpen)
            {
                Monitor.Wait(_gate);
            }
            _files.Enqueue(fd);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until every queued file's writeback has started and the file is closed.</summary>
    public void Drain()
    {
        lock (_gate)
        {
            while (_files.Count > 0 || _busy)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    private void Run()
    {
        while (true)
        {
            int fd;
            lock (_gate)
            {
                _busy = false;
                Monitor.PulseAll(_gate);
                while (_files.Count == 0 && !_noMore)
                {
                    Monitor.Wait(_gate);
                }
                if (_files.Count == 0)
                {
                    return;
                }
                fd = _files.Dequeue();
                _busy = true;
                Monitor.PulseAll(_gate);
            }
            Posix.StartWriteback(fd);
            Posix.close(fd);
        }
    }

    /// <summary>Starts and closes what is queued, then ends the thread.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _noMore = true;
            Monitor.PulseAll(_gate);
        }
        _thread.Join();
    }
}
