using QiTech.Os.Nix;

namespace QiTech.Os.Store;

/// <summary>
/// Every place the system reads or writes, under one root (production: "/"). Tests and the
/// embedded demo use a temporary root; nothing else in the code builds such paths.
/// </summary>
public sealed class SystemLayout
{
    public SystemLayout(string root, StoreDirectory storeDir)
    {
        if (string.IsNullOrEmpty(root) || !System.IO.Path.IsPathRooted(root))
        {
            throw new ArgumentException($"root '{root}' must be an absolute path", nameof(root));
        }
        Root = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(root));
        if (Root.Length == 0)
        {
            Root = "/";
        }
        StoreDir = storeDir;
    }

    /// <summary>The root every other path hangs under; "/" on a real machine.</summary>
    public string Root { get; }

    /// <summary>The logical store directory that store path strings use.</summary>
    public StoreDirectory StoreDir { get; }

    /// <summary>Maps an absolute path of the running system ("/etc/x") to its place under the root.</summary>
    public string Physical(string absolutePath) =>
        Root == "/" ? absolutePath : Root + absolutePath;

    public string PhysicalStoreDir => Physical(StoreDir.Path);

    public string PhysicalPath(StorePath path) => PhysicalStoreDir + "/" + path.BaseName;

    /// <summary>
    /// The store's state (database, locks): beside the store directory, as Nix keeps
    /// /nix/var next to /nix/store, so two store directories under one root never mix.
    /// </summary>
    public string StateDir => Physical(StoreParent + "/var");

    private string StoreParent
    {
        get
        {
            var parent = System.IO.Path.GetDirectoryName(StoreDir.Path) ?? "/";
            return parent == "/" ? "" : parent;
        }
    }

    public string DatabasePath => StateDir + "/db.sqlite";

    public string ProfilesDir => Physical("/qitech/profiles");

    public string SystemProfile => ProfilesDir + "/system";

    public string GcRootsDir => Physical("/qitech/gcroots");

    /// <summary>The logical path of the running system's link.</summary>
    public const string CurrentSystemPath = "/run/current-system";

    public string CurrentSystem => Physical(CurrentSystemPath);

    public string BootedSystem => Physical("/run/booted-system");

    public string RunDir => Physical("/run/qitech-os");

    public string DaemonSocket => RunDir + "/daemon.sock";

    public string EtcDir => Physical("/etc");

    public string BootDir => Physical("/boot");

    /// <summary>Deployments of Debian bases (<c>/qitech/deploy/&lt;base hash&gt;</c>), what /usr is bind-mounted from.</summary>
    public string DeployDir => Physical("/qitech/deploy");

    /// <summary>The root file system as the kernel's <c>root=</c> names it (<c>PARTUUID=…</c>), written when the machine is installed.</summary>
    public string RootDeviceFile => StateDir + "/root-device";

    public string ServiceStateDir => Physical("/var/lib/qitech");

    public string LogDir => Physical("/var/log/qitech");

    /// <summary>Builds a layout from the CLI's options, the QITECH_ROOT variable, else "/".</summary>
    public static SystemLayout FromOptions(string? root, string? storeDir) =>
        new(root ?? Environment.GetEnvironmentVariable("QITECH_ROOT") ?? "/",
            new StoreDirectory(storeDir ?? Environment.GetEnvironmentVariable("QITECH_STORE_DIR") ?? StoreDirectory.Default));
}
