using QiTech.Os.Store;

namespace QiTech.Control.Server;

/// <summary>
/// The server's own state (its data-protection keys): <c>ControlServer:StateDirectory</c>, else
/// the first folder of <c>$STATE_DIRECTORY</c> (what systemd's and the daemon's StateDirectory=
/// give the unit), else <c>R/var/lib/qitech-control-server</c>. Never the daemon's /var/lib/qitech.
/// </summary>
public static class ServerStateDirectory
{
    public const string DefaultName = "qitech-control-server";

    public static string Resolve(string? configured, string? root, string? stateDirectoryVariable) =>
        !string.IsNullOrEmpty(configured) ? Path.GetFullPath(configured)
        : !string.IsNullOrEmpty(stateDirectoryVariable) ? Path.GetFullPath(stateDirectoryVariable.Split(':')[0])
        : SystemLayout.FromOptions(root, null).Physical("/var/lib/" + DefaultName);

    /// <summary>
    /// The folder of the keys that sign the antiforgery and login cookies, made for the server's
    /// user alone (0700): whoever reads them can forge a signed-in operator's cookie.
    /// </summary>
    public static DirectoryInfo KeysDirectory(string stateDirectory)
    {
        var keys = Path.Combine(stateDirectory, "data-protection-keys");
        try
        {
            var dir = Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // An older or hand-made folder may be open to others: close it.
            File.SetUnixFileMode(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return dir;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new QiTech.Os.Errors.QiTechOsException($"{keys}: cannot make the server's key folder: {e.Message}");
        }
    }
}
