using System.Runtime.InteropServices;

namespace QiTech.Os.Platform;

/// <summary>Signals and identities: what process supervision needs beyond System.Diagnostics.</summary>
internal static partial class Posix
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int ESRCH = 3;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    /// <summary>kill(2); a negative <paramref name="pid"/> signals the whole process group.</summary>
    public static bool Kill(int pid, int signal) => KillNative(pid, signal) == 0;
}
