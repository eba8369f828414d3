using System.Runtime.InteropServices;

namespace QiTech.Os.Activation;

/// <summary>
/// Crash tests' hook: with <c>QITECH_FAULT=after-&lt;step&gt;</c> the process SIGKILLs itself
/// right after that step, as a power cut or OOM kill would stop it. Unset, it costs one compare.
/// </summary>
public static partial class FaultInjection
{
    public const string Variable = "QITECH_FAULT";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(Variable);

    /// <summary>Marks the end of <paramref name="step"/>; dies here when armed for it.</summary>
    public static void After(string step)
    {
        if (Armed != null && Armed.Length == step.Length + 6 && Armed.StartsWith("after-", StringComparison.Ordinal)
            && Armed.EndsWith(step, StringComparison.Ordinal))
        {
            Console.Out.Flush();
            kill(Environment.ProcessId, 9);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
