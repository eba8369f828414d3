using System.Runtime.CompilerServices;
using QiTech.Os.Health;

namespace QiTech.Os.Jobs;

/// <summary>
/// One long operation (activate, gc, reboot…). Every event is kept, so a subscriber that
/// arrives late replays the whole history before it sees new events. Thread-safe.
/// </summary>
public sealed class Job
{
    private readonly Lock _gate = new();
    private readonly List<JobEvent> _events = [];
    private readonly List<JobStep> _steps = [];
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _cancelRefusal;
    private bool _cancelRequested;

    private readonly TimeProvider _time;

    internal Job(int id, JobKind kind, TimeProvider time)
    {
        Id = id;
        Kind = kind;
        _time = time;
        Created = time.GetUtcNow();
    }

    public int Id { get; }

    public JobKind Kind { get; }

    public DateTimeOffset Created { get; }

    public DateTimeOffset? Finished { get; private set; }

    public JobState State { get; private set; } = JobState.Running;

    public string? Error { get; private set; }

    /// <summary>What the CLI exits with for this job once it ended: 0, 2 for bad input, else 1.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>What the job produced (serialised as JSON), set when it succeeds or fails with details.</summary>
    public object? Result { get; internal set; }

    public CancellationToken CancellationToken => _cancel.Token;

    /// <summary>Completes when the job has finished, whatever its outcome.</summary>
    public Task Completion => _finished.Task;

    public IReadOnlyList<JobStep> Steps
    {
        get
        {
            lock (_gate)
            {
                return [.. _steps];
            }
        }
    }

    public IReadOnlyList<JobEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>
    /// Asks the job to stop (its work sees the token and child processes are killed), unless the
    /// work refuses a cancel now: then false with the reason, and nothing changes.
    /// </summary>
    public bool TryCancel(out string? refusal)
    {
        lock (_gate)
        {
            refusal = _cancelRefusal;
            if (refusal != null)
            {
                return false;
            }
            // Decided under the gate, where the work asks to refuse (TryRefuseCancel); the token's
            // callbacks then run outside it.
            _cancelRequested = true;
        }
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The job ended meanwhile.
        }
        return true;
    }

    /// <summary>True once a cancel was taken (before the token says so: the token is cancelled right after).</summary>
    internal bool CancelRequested
    {
        get
        {
            lock (_gate)
            {
                return _cancelRequested;
            }
        }
    }

    /// <summary>From now on a cancel is refused with <paramref name="reason"/>; false (nothing refused) when one was taken already.</summary>
    internal bool TryRefuseCancel(string reason)
    {
        lock (_gate)
        {
            if (_cancelRequested)
            {
                return false;
            }
            _cancelRefusal = reason;
            return true;
        }
    }

    internal void AllowCancel()
    {
        lock (_gate)
        {
            _cancelRefusal = null;
        }
    }

    /// <summary>Every event from the first, then new ones as they happen, ending after "done".</summary>
    public async IAsyncEnumerable<JobEvent> Subscribe([EnumeratorCancellation] CancellationToken cancel = default)
    {
        var next = 0;
        while (true)
        {
            Task changed;
            List<JobEvent> batch;
            bool finished;
            lock (_gate)
            {
                batch = _events.Skip(next).ToList();
                next = _events.Count;
                changed = _changed.Task;
                finished = State != JobState.Running;
            }
            foreach (var e in batch)
            {
                yield return e;
            }
            if (finished && batch.Count == 0)
            {
                yield break;
            }
            if (!finished)
            {
                await changed.WaitAsync(cancel);
            }
        }
    }

    internal void BeginStep(string name)
    {
        lock (_gate)
        {
            FinishOpenStep(JobState.Succeeded);
            _steps.Add(new JobStep(name, JobState.Running, null, Started: _time.GetUtcNow()));
            Append(new StepEvent(name, JobState.Running));
        }
    }

    internal void EndStep(JobState state)
    {
        lock (_gate)
        {
            FinishOpenStep(state);
        }
    }

    internal void ReportProgress(int percent)
    {
        lock (_gate)
        {
            if (_steps.Count > 0)
            {
                _steps[^1] = _steps[^1] with { Percent = percent };
                Append(new ProgressEvent(_steps[^1].Name, percent, _steps[^1].SecondsLeft, _steps[^1].Part));
            }
        }
    }

    /// <summary>The running step's estimate of the time it still needs (null: none now), sent as a progress event.</summary>
    internal void ReportTimeLeft(int? secondsLeft)
    {
        lock (_gate)
        {
            if (_steps.Count > 0)
            {
                _steps[^1] = _steps[^1] with { SecondsLeft = secondsLeft };
                Append(new ProgressEvent(_steps[^1].Name, _steps[^1].Percent, secondsLeft, _steps[^1].Part));
            }
        }
    }

    /// <summary>The part the running step is working on, sent as a progress event.</summary>
    internal void ReportPart(JobPart part)
    {
        lock (_gate)
        {
            if (_steps.Count > 0)
            {
                _steps[^1] = _steps[^1] with { Part = part };
                Append(new ProgressEvent(_steps[^1].Name, _steps[^1].Percent, _steps[^1].SecondsLeft, part));
            }
        }
    }

    internal void Log(string line)
    {
        lock (_gate)
        {
            Append(new LogEvent(line));
        }
    }

    internal void Finish(JobState state, string? error, int exitCode)
    {
        lock (_gate)
        {
            FinishOpenStep(state);
            State = state;
            Error = error;
            ExitCode = exitCode;
            Finished = _time.GetUtcNow();
            Append(new DoneEvent(state, error));
        }
        _finished.TrySetResult();
        _cancel.Dispose();
    }

    private void FinishOpenStep(JobState state)
    {
        if (_steps.Count > 0 && _steps[^1].State == JobState.Running)
        {
            // An ended step has nothing left to estimate; its percent stays where it stopped.
            _steps[^1] = _steps[^1] with { State = state, Finished = _time.GetUtcNow(), SecondsLeft = null };
            Append(new StepEvent(_steps[^1].Name, state));
        }
    }

    private void Append(object data)
    {
        _events.Add(new JobEvent(_events.Count + 1, data));
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
