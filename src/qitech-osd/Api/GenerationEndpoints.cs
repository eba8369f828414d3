using QiTech.Os.Activation;
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
        app.MapGet("/v1/generations", (SystemHost host) =>
            host.Manager.ListGenerations(withDiskCost: true).Select(g => GenerationJson.From(g, host.Layout)).ToList());

        app.MapPost("/v1/activate", (ActivateRequest request, SystemHost host, JobRunner runner) =>
        {
            var mode = ParseMode(request.Mode, allowTest: true);
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
                var once = ParseGeneration(request.Generation.Value);
                if (host.Manager.Profile.Find(once) == null)
                {
                    throw new BadInputException($"generation {once} does not exist");
                }
                return JobResults.Start(runner, "boot", context => BootOnce(host, once, context));
            }
            ActivationTarget target = request.StorePath != null
                ? ActivationTarget.ParseStorePath(host.Layout, request.StorePath)
                : new ActivationTarget.Generation(ParseGeneration(request.Generation!.Value));
            // Refuse what cannot be activated now, with 400, before a job starts.
            var plan = host.Manager.PlanActivation(target);
            if (mode == ActivationMode.DryActivate)
            {
                return Results.Ok(new PlanJson(plan.Stop, plan.Start, plan.Restart, plan.Unchanged, plan.Describe().ToList()));
            }
            var rollBack = request.NoRollback != true;
            return JobResults.Start(runner, mode.ToString().ToLowerInvariant(), context => Activate(host, mode, target, rollBack, context));
        });

        app.MapPost("/v1/rollback", (RollbackRequest request, SystemHost host, JobRunner runner) =>
        {
            var mode = ParseMode(request.Mode, allowTest: false);
            if (runner.Running is { } busy)
            {
                return JobResults.Busy(busy);
            }
            // Nothing to roll back to is bad input (400), refused before a job starts.
            host.Manager.PlanActivation(new ActivationTarget.Rollback(), mode);
            return JobResults.Start(runner, "rollback", context => Activate(host, mode, new ActivationTarget.Rollback(), rollBack: true, context));
        });

        app.MapDelete("/v1/generations/{n}", async (string n, SystemHost host, JobRunner runner) =>
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
            return await JobResults.RunToEnd(runner, "delete-generations", context =>
                Task.FromResult(Deletion(host.Manager.DeleteGenerations(new DeletionSpec.Numbers([number])))));
        });

        app.MapPost("/v1/generations/delete", async (DeleteRequest request, SystemHost host, JobRunner runner) =>
        {
            var spec = DeletionSpec.Parse(request.Spec ?? "");
            return await JobResults.RunToEnd(runner, "delete-generations", context =>
                Task.FromResult(Deletion(host.Manager.DeleteGenerations(spec))));
        });

        app.MapPost("/v1/gc", (GcRequest request, SystemHost host, JobRunner runner) =>
            JobResults.Start(runner, "gc", context =>
            {
                context.Step(request.DryRun ? "find unreachable store paths" : "delete unreachable store paths");
                var result = new GarbageCollector(host.LocalStore).Collect(request.DryRun, context.Cancel);
                foreach (var path in result.Deleted)
                {
                    context.Log((request.DryRun ? "would delete " : "deleted ") + host.Layout.StoreDir.Render(path));
                }
                context.SetResult(new GcJson(request.DryRun, result.Deleted.Select(host.Layout.StoreDir.Render).ToList(), result.BytesFreed));
                return Task.CompletedTask;
            }));
    }

    private static async Task Activate(SystemHost host, ActivationMode mode, ActivationTarget target, bool rollBack, JobContext context)
    {
        context.Step(mode.ToString().ToLowerInvariant());
        var options = new ActivationOptions(rollBack, new JobSteps(context));
        var result = await host.Manager.ActivateAsync(mode, target, context.LogProgress, context.Cancel, options);
        context.SetResult(ActivationJson.From(result, host.Layout));
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
        context.SetResult(new OneShotBootJson(number.Value, bootDefault?.Value, loader));
    }

    private static ActivationMode ParseMode(string? mode, bool allowTest) => mode switch
    {
        "switch" => ActivationMode.Switch,
        "boot" => ActivationMode.Boot,
        "test" when allowTest => ActivationMode.Test,
        "dry-activate" when allowTest => ActivationMode.DryActivate,
        _ => throw new BadInputException($"mode '{mode}' is not one of {(allowTest ? "switch, boot, test, dry-activate" : "switch, boot")}"),
    };

    private static GenerationNumber ParseGeneration(int value) =>
        GenerationNumber.TryParse(value.ToString(System.Globalization.CultureInfo.InvariantCulture), out var number, out var error)
            ? number
            : throw new BadInputException($"generation {value} {error.Describe()}");

    private static DeletionJson Deletion(DeletionResult result) =>
        new(result.Deleted.Select(d => d.Value).ToList(), result.Kept.Select(k => new KeptJson(k.Number.Value, k.Why)).ToList());
}
