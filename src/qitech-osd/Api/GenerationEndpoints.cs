using QiTech.Os.Activation;
using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Generations;
using QiTech.Os.Jobs;
using QiTech.Os.Store;

namespace QiTech.Os.Daemon.Api;

/// <summary>Generations: list, activate (switch/boot/test), rollback, delete, and the store's gc.</summary>
public static class GenerationEndpoints
{
    public static void MapGenerationEndpoints(this WebApplication app)
    {
        app.MapGet(DaemonEndpoints.Generations.Route, (SystemHost host) =>
            host.Manager.ListGenerations(withDiskCost: true).Select(GenerationJson.From).ToList());

        app.MapPost(DaemonEndpoints.Activate.Route, (ActivateRequest request, SystemHost host, JobRunner runner) =>
        {
            var mode = request.Mode;
            if ((request.StorePath == null) == (request.Generation == null))
            {
                throw new BadInputException("activate: give exactly one of storePath or generation");
            }
            if (request.Once == true)
            {
                if (mode != ActivationMode.Boot || request.Generation == null)
                {
                    throw new BadInputException("activate: once works with mode boot and a generation only");
                }
                var once = request.Generation.Value;
                if (host.Manager.Profile.Find(once) == null)
                {
                    throw new BadInputException($"generation {once} does not exist");
                }
                return JobResults.Start(runner, JobKind.BootOnce, context => BootOnce(host, once, context));
            }
            ActivationTarget target = request.StorePath is { } storePath
                ? new ActivationTarget.Path(storePath)
                : new ActivationTarget.Generation(request.Generation!.Value);
            // Refuse what cannot be activated now, with 400, before a job starts.
            var plan = host.Manager.PlanActivation(target);
            if (mode == ActivationMode.DryActivate)
            {
                return Results.Ok(PlanJson.From(plan));
            }
            var rollBack = request.NoRollback != true;
            return JobResults.Start(runner, KindOf(mode), context => Activate(host, mode, target, rollBack, context));
        });

        app.MapPost(DaemonEndpoints.Rollback.Route, (RollbackRequest request, SystemHost host, JobRunner runner) =>
        {
            var mode = request.Mode is ActivationMode.Switch or ActivationMode.Boot
                ? request.Mode
                : throw new BadInputException($"mode '{DaemonJson.WireName(request.Mode)}' is not one of switch, boot");
            if (runner.Running is { } busy)
            {
                return JobResults.Busy(busy);
            }
            // Nothing to roll back to is bad input (400), refused before a job starts.
            host.Manager.PlanActivation(new ActivationTarget.Rollback(), mode);
            return JobResults.Start(runner, JobKind.Rollback, context => Activate(host, mode, new ActivationTarget.Rollback(), rollBack: true, context));
        });

        app.MapDelete(DaemonEndpoints.DeleteGeneration.Route, async (string n, SystemHost host, JobRunner runner) =>
        {
            if (!GenerationNumber.TryParse(n, out var number, out var error))
            {
                throw new BadInputException($"generation '{n}' {error.Describe()}");
            }
            if (host.Manager.Profile.Find(number) == null)
            {
                return ErrorMapping.ProblemResult(StatusCodes.Status404NotFound, $"generation {number} does not exist");
            }
            var state = host.Manager.State();
            var why = state.Current == number ? "is the current generation"
                : state.Booted == number ? "is the booted generation"
                : state.BootDefault == number ? "is the boot default"
                : null;
            if (why != null)
            {
                return ErrorMapping.ProblemResult(StatusCodes.Status409Conflict, $"refusing to delete generation {number}: it {why}; nothing was deleted");
            }
            return await JobResults.RunToEnd(runner, JobKind.DeleteGenerations, context =>
                Task.FromResult(DeletionJson.From(host.Manager.DeleteGenerations(new DeletionSpec.Numbers([number])))));
        });

        app.MapPost(DaemonEndpoints.DeleteGenerations.Route, async (DeleteRequest request, SystemHost host, JobRunner runner) =>
        {
            var spec = DeletionSpec.Parse(request.Spec ?? "");
            return await JobResults.RunToEnd(runner, JobKind.DeleteGenerations, context =>
                Task.FromResult(DeletionJson.From(host.Manager.DeleteGenerations(spec))));
        });

        app.MapPost(DaemonEndpoints.Gc.Route, (GcRequest request, SystemHost host, JobRunner runner) =>
            JobResults.Start(runner, JobKind.Gc, context =>
            {
                context.Step(request.DryRun ? "find unreachable store paths" : "delete unreachable store paths");
                var result = new GarbageCollector(host.LocalStore).Collect(request.DryRun, context.Cancel);
                foreach (var path in result.Deleted)
                {
                    context.Log((request.DryRun ? "would delete " : "deleted ") + host.Layout.StoreDir.Render(path));
                }
                context.SetResult(new GcJson(request.DryRun, result.Deleted, result.BytesFreed));
                return Task.CompletedTask;
            }));
    }

    private static async Task Activate(SystemHost host, ActivationMode mode, ActivationTarget target, bool rollBack, JobContext context)
    {
        context.Step(DaemonJson.WireName(mode));
        var options = new ActivationOptions(rollBack, new JobSteps(context), CancelGuard: context);
        var result = await host.Manager.ActivateAsync(mode, target, context.LogProgress, context.Cancel, options);
        context.SetResult(ActivationJson.From(result));
        ThrowUnlessSucceeded(result, context);
    }

    /// <summary>
    /// Ends an activation's job as it went: cancelled when the health wait was, failed naming
    /// the version that did not start correctly and what runs instead (or each unit that failed).
    /// </summary>
    public static void ThrowUnlessSucceeded(ActivationResult result, JobContext context)
    {
        if (result.Succeeded)
        {
            return;
        }
        if (result.Cancelled)
        {
            context.Log(result.Rollback!.Message);
            throw new OperationCanceledException(result.Rollback.Message, context.Cancel);
        }
        if (result.Rollback is { } rollback)
        {
            foreach (var line in rollback.LastLogLines)
            {
                context.Log($"{rollback.Unit}: {line}");
            }
            throw new QiTechOsException($"{rollback.Message}: {rollback.Reason}");
        }
        var first = result.Failures[0];
        foreach (var line in first.LastLogLines)
        {
            context.Log($"{first.Unit}: {line}");
        }
        throw new QiTechOsException($"{string.Join(", ", result.Failures.Select(f => $"{f.Unit} failed to {f.Action}: {f.Reason}"))}; the previous generation is one rollback away");
    }

    private static async Task BootOnce(SystemHost host, GenerationNumber number, JobContext context)
    {
        context.Step("boot once");
        var loader = await host.Manager.SetNextBootAsync(number, context.Cancel);
        var bootDefault = host.Manager.State().BootDefault;
        context.Log($"generation {number} boots once at the next boot; {loader}");
        context.SetResult(new OneShotBootJson(number, bootDefault, loader));
    }

    private static JobKind KindOf(ActivationMode mode) => mode switch
    {
        ActivationMode.Switch => JobKind.Switch,
        ActivationMode.Boot => JobKind.Boot,
        _ => JobKind.Test,
    };
}
