using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using QiTech.Os.Errors;
using QiTech.Os.Health;

namespace QiTech.Os.Jobs;

/// <summary>
/// Runs one job at a time: while one runs, <see cref="TryStart"/> refuses and hands back the
/// running job (the daemon answers 409 with its id). Finished jobs stay listed (the last
/// <see cref="HistoryLimit"/>) so clients can read how they ended.
/// </summary>
public sealed class JobRunner(TimeProvider? time = null, ILogger<JobRunner>? logger = null)
{
    public const int HistoryLimit = 100;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger<JobRunner>.Instance;

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
            job = new Job(_nextId++, kind, _time);
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
        JobLog.Started(_logger, job.Id, job.Kind);
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
            // The job's answer is one line; the stack goes to the log, where a bug can be found.
            JobLog.Crashed(_logger, e, job.Id, job.Kind);
        }
        // Logged before the job ends, so whoever waits for the job finds its end in the log.
        if (state == JobState.Failed)
        {
            JobLog.Failed(_logger, job.Id, job.Kind, error!);
        }
        else
        {
            JobLog.Ended(_logger, job.Id, job.Kind, state, _time.GetUtcNow() - job.Created);
        }
        lock (_gate)
        {
            _running = null;
        }
        job.Finish(state, error, exitCode);
    }
}
