using System.Runtime.ExceptionServices;

namespace QiTech.Os.Nar;

/// <summary>
/// Hands NAR events to another sink that runs on its own thread, so the reading side (reading,
/// NAR hashing) and the consuming side (content hashing, writing) use two cores. Events travel
/// in batches whose bytes are copied into a few fixed buffers: memory stays bounded and a slow
/// consumer holds the producer back. A failure of the consumer surfaces at the producer's next
/// event or at <see cref="Complete"/>, as the exception the consumer threw. Hand-overs block
/// without spinning: on a busy machine a spinning wait (sched_yield) gives the core away.
/// </summary>
public sealed class PipelinedNarSink : INarSink, IDisposable
{
    private const int BatchBytes = 2 << 20;
    private const int BatchEvents = 4096;
    private const int Batches = 3;
    private readonly INarSink _inner;
    private readonly object _gate = new();
    private readonly Stack<Batch> _free = new();
    private readonly Queue<Batch> _full = new();
    private readonly Thread _thread;
    private bool _noMore;
    private Batch _current;
    private ExceptionDispatchInfo? _failure;
    private bool _completed;

    public PipelinedNarSink(INarSink inner)
    {
        _inner = inner;
        for (var i = 0; i < Batches - 1; i++)
        {
            _free.Push(new Batch());
        }
        _current = new Batch();
        _thread = new Thread(Consume) { IsBackground = true, Name = "nar-sink" };
        _thread.Start();
    }

    public void BeginRegular(bool executable, long size) => Add(new Event(EventKind.BeginRegular, executable, size, 0, 0));

    public void Data(ReadOnlySpan<byte> chunk)
    {
        // Any split of a file's data is a valid sequence of Data events.
        while (!chunk.IsEmpty)
        {
            var room = _current.Bytes.Length - _current.Used;
            if (room <= 0)
            {
                Send();
                room = _current.Bytes.Length;
            }
            var part = chunk[..Math.Min(room, chunk.Length)];
            AddWithBytes(EventKind.Data, part);
            chunk = chunk[part.Length..];
        }
    }

    public void EndRegular() => Add(new Event(EventKind.EndRegular, false, 0, 0, 0));

    public void Symlink(ReadOnlySpan<byte> target) => AddWithBytes(EventKind.Symlink, target);

    public void BeginDirectory() => Add(new Event(EventKind.BeginDirectory, false, 0, 0, 0));

    public void BeginEntry(ReadOnlySpan<byte> name) => AddWithBytes(EventKind.BeginEntry, name);

    public void EndEntry() => Add(new Event(EventKind.EndEntry, false, 0, 0, 0));

    public void EndDirectory() => Add(new Event(EventKind.EndDirectory, false, 0, 0, 0));

    /// <summary>Waits until the consumer has handled every event; throws what it failed with.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }
        ThrowIfFailed();
        Send();
        Stop();
        ThrowIfFailed();
    }

    private void AddWithBytes(EventKind kind, ReadOnlySpan<byte> bytes)
    {
        if (_current.Used + bytes.Length > _current.Bytes.Length)
        {
            Send();
            if (bytes.Length > _current.Bytes.Length)
            {
                // A name or link target longer than a batch (a NAR allows it): this batch grows.
                _current.Bytes = new byte[bytes.Length];
            }
        }
        bytes.CopyTo(_current.Bytes.AsSpan(_current.Used));
        Add(new Event(kind, false, 0, _current.Used, bytes.Length));
        _current.Used += bytes.Length;
    }

    private void Add(Event e)
    {
        _current.Events.Add(e);
        if (_current.Events.Count >= BatchEvents)
        {
            Send();
        }
    }

    private void Send()
    {
        ThrowIfFailed();
        if (_current.Events.Count == 0)
        {
            return;
        }
        lock (_gate)
        {
            _full.Enqueue(_current);
            Monitor.PulseAll(_gate);
            // Waits while every other batch is in flight: the consumer sets the pace.
            while (_free.Count == 0)
            {
                Monitor.Wait(_gate);
            }
            _current = _free.Pop();
        }
    }

    /// <summary>The next batch to replay, or null once the producer is done and all are replayed.</summary>
    private Batch? Next()
    {
        lock (_gate)
        {
            while (_full.Count == 0 && !_noMore)
            {
                Monitor.Wait(_gate);
            }
            return _full.Count > 0 ? _full.Dequeue() : null;
        }
    }

    private void Return(Batch batch)
    {
        batch.Clear();
        lock (_gate)
        {
            _free.Push(batch);
            Monitor.PulseAll(_gate);
        }
    }

    private void ThrowIfFailed() => Volatile.Read(ref _failure)?.Throw();

    private void Consume()
    {
        while (Next() is { } batch)
        {
            if (Volatile.Read(ref _failure) == null)
            {
                try
                {
                    Replay(batch);
                }
                catch (Exception e)
                {
                    // Kept for the producer; later batches are only returned, so it never waits forever.
                    Volatile.Write(ref _failure, ExceptionDispatchInfo.Capture(e));
                }
            }
            Return(batch);
        }
    }

    private void Replay(Batch batch)
    {
        foreach (var e in batch.Events)
        {
            var bytes = batch.Bytes.AsSpan(e.Offset, e.Length);
            switch (e.Kind)
            {
                case EventKind.BeginRegular: _inner.BeginRegular(e.Executable, e.Size); break;
                case EventKind.Data: _inner.Data(bytes); break;
                case EventKind.EndRegular: _inner.EndRegular(); break;
                case EventKind.Symlink: _inner.Symlink(bytes); break;
                case EventKind.BeginDirectory: _inner.BeginDirectory(); break;
                case EventKind.BeginEntry: _inner.BeginEntry(bytes); break;
                case EventKind.EndEntry: _inner.EndEntry(); break;
                case EventKind.EndDirectory: _inner.EndDirectory(); break;
            }
        }
    }

    private void Stop()
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        lock (_gate)
        {
            _noMore = true;
            Monitor.PulseAll(_gate);
        }
        _thread.Join();
    }

    /// <summary>Stops the consumer after what was sent (unsent events are dropped) and waits for it.</summary>
    public void Dispose() => Stop();

    private enum EventKind : byte
    {
        BeginRegular,
        Data,
        EndRegular,
        Symlink,
        BeginDirectory,
        BeginEntry,
        EndEntry,
        EndDirectory,
    }

    private readonly record struct Event(EventKind Kind, bool Executable, long Size, int Offset, int Length);

    private sealed class Batch
    {
        public readonly List<Event> Events = new(BatchEvents);
        public byte[] Bytes = new byte[BatchBytes];
        public int Used;

        public void Clear()
        {
            Events.Clear();
            Used = 0;
            if (Bytes.Length != BatchBytes)
            {
                Bytes = new byte[BatchBytes];
            }
        }
    }
}
