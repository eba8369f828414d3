namespace QiTech.Os.Platform;

/// <summary>
/// Lets crash tests stop a real process at a named point: with QITECH_FAULT=name (or
/// name:N for the N-th time the point is passed) the process kills itself there, as a
/// power cut or SIGKILL would; with name=throw (or name:N=throw) it throws an exception no
/// code expects instead, as a bug would. Inert unless the variable is set.
/// </summary>
public static class FaultInjection
{
    private static readonly string? Spec = Environment.GetEnvironmentVariable("QITECH_FAULT");
    private static int _hits;

    public static void Point(string name)
    {
        if (Spec == null)
        {
            return;
        }
        var throws = Spec.EndsWith("=throw", StringComparison.Ordinal);
        var parts = (throws ? Spec[..^"=throw".Length] : Spec).Split(':');
        if (parts[0] != name)
        {
            return;
        }
        var wanted = parts.Length > 1 && int.TryParse(parts[1], out var n) ? n : 1;
        if (Interlocked.Increment(ref _hits) != wanted)
        {
            return;
        }
        if (throws)
        {
            throw new InvalidOperationException($"injected fault at {name}");
        }
        System.Diagnostics.Process.GetCurrentProcess().Kill();
    }
}
