using QiTech.Os.Errors;

namespace QiTech.Os.Jobs;

/// <summary>
/// Runs one job at a time: while one runs, <see cref="TryStart"/> refuses and hands back the
/// running job (the daemon answers 409 with its id). Finished jobs stay listed (the last
/// <see cref="HistoryLimit"/>) so clients can read how they ended.
/// </summary>
public sealed class JobRunner
{
    public const int HistoryLimit = 100;

    private readonly Lock _gate = new();
    private readonly List<Job> _jobs = [];
    private int _nextId = 1;
    private Job? _running;

    /// <summary>Starts <paramref name="work"/> as job <paramref name="kind"/> unless another job runs.</summary>
    /// <returns>True with the new job; false with the job that is running.</returns>
    public bool TryStart(JobKind kind, Func<JobContext, Task> work, out Job job)
    {
        lock (_gate)
        {
            if (_running != null)
            {
                job = _running;
                return false;
            }
            job = new Job(_nextId++, kind);
            _running = job;
            _jobs.Add(job);
            if (_jobs.Count > HistoryLimit)
            {
                _jobs.RemoveAt(0);
            }
        }
        var started = job;
        _ = Task.Run(() => RunAsync(started, work));
        return true;
    }

    public Job? Find(int id)
    {
        lock (_gate)
        {
            return _jobs.FirstOrDefault(j => j.Id == id);
        }
    }

    public IReadOnlyList<Job> All()
    {
        lock (_gate)
        {
            return [.. _jobs];
        }
    }

    public Job? Running
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    private async Task RunAsync(Job job, Func<JobContext, Task> work)
    {
        var state = JobState.Succeeded;
        string? error = null;
        var exitCode = 0;
        try
        {
            await work(new JobContext(job));
        }
        catch (OperationCanceledException) when (job.CancelRequested)
        {
            state = JobState.Cancelled;
            error = "cancelled";
            exitCode = 1;
        }
        catch (QiTechOsException e)
        {
            state = JobState.Failed;
            error = e.Message;
            exitCode = e.ExitCode;
        }
        catch (Exception e)
        {
            state = JobState.Failed;
            error = $"internal error: {e.GetType().Name}: {e.Message}";
            exitCode = 1;
        }
        lock (_gate)
        {
            _running = null;
        }
        job.Finish(state, error, exitCode);
    }
}
