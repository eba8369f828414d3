using System.Runtime.InteropServices;

namespace QiTech.Os.Platform;

/// <summary>
/// Extended attributes: what a Debian base records beside the store
/// (file capabilities are the <c>security.capability</c> attribute) and puts back when it is deployed.
/// </summary>
internal static unsafe partial class Posix
{
    public const string CapabilityAttribute = "security.capability";
    public const int ENODATA = 61;

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint lgetxattr(byte* path, byte* name, byte* value, nint size);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int lsetxattr(byte* path, byte* name, byte* value, nint size, int flags);

    /// <summary>The value of an attribute of a path (never a link's target), or null when it has none.</summary>
    public static byte[]? GetAttribute(string path, string name)
    {
        var zpath = Z(path);
        var zname = Z(name);
        var buffer = new byte[256];
        fixed (byte* p = zpath, n = zname, b = buffer)
        {
            var size = lgetxattr(p, n, b, buffer.Length);
            if (size >= 0)
            {
                return buffer[..(int)size];
            }
            var errno = LastErrno;
            return errno is ENODATA or EOPNOTSUPP ? null : throw Error($"cannot read attribute {name}", path);
        }
    }

    public static void SetAttribute(string path, string name, byte[] value)
    {
        var zpath = Z(path);
        var zname = Z(name);
        fixed (byte* p = zpath, n = zname, v = value)
        {
            if (lsetxattr(p, n, v, value.Length, 0) != 0)
            {
                throw Error($"cannot set attribute {name}", path);
            }
        }
    }
}
