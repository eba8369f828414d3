namespace QiTech.Os.Tests.Support;

/// <summary>
/// A tmpfs of a given size mounted on a fresh temporary folder, to fill up on purpose;
/// unmounted (and its contents gone) when disposed. Needs root: use with <see cref="SmallFileSystemFactAttribute"/>.
/// </summary>
public sealed class SmallFileSystem : IDisposable
{
    private readonly TempDir _mountPoint = new("qitech-tmpfs");

    public SmallFileSystem(int megabytes)
    {
        var mount = HostProgram.Run("mount", ["-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", _mountPoint.Path]);
        Assert.True(mount.ExitCode == 0, "mount: " + mount.Stderr);
    }

    public string Path => _mountPoint.Path;

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    public void Dispose()
    {
        HostProgram.Run("umount", ["--lazy", Path]);
        _mountPoint.Dispose();
    }

    /// <summary>Whether this process may mount a tmpfs (root with the mount capability), found by trying once.</summary>
    public static readonly Lazy<bool> CanMount = new(() =>
    {
        if (Environment.UserName != "root")
        {
            return false;
        }
        using var probe = new TempDir("qitech-tmpfs-probe");
        try
        {
            var mount = HostProgram.Run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe.Path]);
            if (mount.ExitCode != 0)
            {
                return false;
            }
            HostProgram.Run("umount", [probe.Path]);
            return true;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });
}

/// <summary>A test that mounts a <see cref="SmallFileSystem"/>: skipped, with the reason, where mounting is not allowed.</summary>
public sealed class SmallFileSystemFactAttribute : FactAttribute
{
    public SmallFileSystemFactAttribute()
    {
        if (!SmallFileSystem.CanMount.Value)
        {
            Skip = "needs to mount a small tmpfs (root with CAP_SYS_ADMIN); this process may not";
        }
    }
}
