using QiTech.Os.Errors;

namespace QiTech.Os.Updates;

/// <summary>
/// Refuses an update early, with the figures, when the store's file system cannot hold
/// what the build and the new generation need, instead of failing half way on a full disk.
/// </summary>
public static class FreeSpaceCheck
{
    /// <summary>Kept free beyond the estimate: logs, the database and the running system still need room.</summary>
    public const long MarginBytes = 512L << 20;

    /// <summary>The estimate: the build may copy its sources once more and write outputs about as large, plus the margin.</summary>
    public static long Estimate(long sourceBytes) => 3 * sourceBytes + MarginBytes;

    public static void Ensure(string directory, long neededBytes)
    {
        var free = new DriveInfo(directory).AvailableFreeSpace;
        if (free < neededBytes)
        {
            throw new QiTechOsException(
                $"not enough free space for the update on {directory}: {Mib(free)} MiB free, about {Mib(neededBytes)} MiB needed (including a {Mib(MarginBytes)} MiB margin); delete old generations or collect garbage first");
        }
    }

    private static long Mib(long bytes) => bytes >> 20;
}
