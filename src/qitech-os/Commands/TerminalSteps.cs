using QiTech.Os.Health;
using QiTech.Os.Jobs;

namespace QiTech.Os.Cli.Commands;

/// <summary>Steps after a switch (checks, a rollback) on stderr, as the daemon's job steps are printed.</summary>
public sealed class TerminalSteps : IStepReporter
{
    private string? _open;

    public void Begin(string step)
    {
        _open = step;
        Console.Error.WriteLine($"==> {step}");
    }

    public void End(JobState state)
    {
        if (state != JobState.Succeeded)
        {
            Console.Error.WriteLine($"==> {_open ?? "activate"}: {state.ToString().ToLowerInvariant()}");
        }
        _open = null;
    }
}
