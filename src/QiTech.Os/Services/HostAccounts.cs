namespace QiTech.Os.Services;

/// <summary>Looks up <c>User=</c> in the host's /etc/passwd (the embedded root shares the host's users).</summary>
public static class HostAccounts
{
    public sealed record Account(string Name, uint Uid, uint Gid, string Home);

    public static Account? FindUser(string nameOrId)
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length >= 7 && (fields[0] == nameOrId || fields[2] == nameOrId)
                && uint.TryParse(fields[2], out var uid) && uint.TryParse(fields[3], out var gid))
            {
                return new Account(fields[0], uid, gid, fields[5]);
            }
        }
        return null;
    }
}
