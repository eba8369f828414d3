using System.Globalization;
using QiTech.Os.Errors;

namespace QiTech.Os.Base;

/// <summary>
/// What the store cannot hold about one entry of a base's root tree: its owner, its full mode
/// (setuid, setgid, sticky, permissions the store's canonical 0444/0555 would lose), its file
/// capability, or that it is a device node, fifo or socket (left out of the tree). One line of
/// <c>&lt;base&gt;/metadata</c>: <c>path kind mode uid gid extra</c>, tab-separated, with the
/// mode in octal and extra <c>-</c>, <c>cap=&lt;hex&gt;</c> or <c>dev=&lt;major&gt;:&lt;minor&gt;</c>.
/// </summary>
public sealed record BaseMetadataEntry(string Path, char Kind, uint Mode, uint Uid, uint Gid, byte[]? Capability = null, (uint Major, uint Minor)? Device = null)
{
    public const char Directory = 'd';
    public const char File = 'f';
    public const char Symlink = 'l';
    public const char CharDevice = 'c';
    public const char BlockDevice = 'b';
    public const char Fifo = 'p';
    public const char Socket = 's';

    /// <summary>True for what a tree in the store cannot contain at all.</summary>
    public bool IsSpecial => Kind is CharDevice or BlockDevice or Fifo or Socket;

    /// <summary>
    /// True when the store's canonical form says all there is: owned by root, no special
    /// bits, no capability, and the mode the store gives back (0755 directories, 0644 or 0755
    /// files; any symlink).
    /// </summary>
    public static bool IsCanonical(char kind, uint mode, uint uid, uint gid, byte[]? capability) =>
        uid == 0 && gid == 0 && capability == null && kind switch
        {
            Directory => mode == 0x1ED,
            File => mode is 0x1A4 or 0x1ED,
            Symlink => true,
            _ => false,
        };

    public string ToLine()
    {
        var extra = Capability != null ? "cap=" + Convert.ToHexStringLower(Capability)
            : Device is { } d ? $"dev={d.Major}:{d.Minor}"
            : "-";
        return string.Create(CultureInfo.InvariantCulture, $"{Path}\t{Kind}\t{Convert.ToString(Mode, 8).PadLeft(4, '0')}\t{Uid}\t{Gid}\t{extra}");
    }

    public static BaseMetadataEntry Parse(string line, string where)
    {
        var fields = line.Split('\t');
        if (fields.Length != 6 || fields[1].Length != 1 || fields[0].Length == 0)
        {
            throw new QiTechOsException($"{where}: not a metadata line: '{line}'");
        }
        try
        {
            var extra = fields[5];
            var capability = extra.StartsWith("cap=", StringComparison.Ordinal) ? Convert.FromHexString(extra[4..]) : null;
            (uint, uint)? device = null;
            if (extra.StartsWith("dev=", StringComparison.Ordinal))
            {
                var parts = extra[4..].Split(':');
                device = (uint.Parse(parts[0], CultureInfo.InvariantCulture), uint.Parse(parts[1], CultureInfo.InvariantCulture));
            }
            return new BaseMetadataEntry(fields[0], fields[1][0], Convert.ToUInt32(fields[2], 8),
                uint.Parse(fields[3], CultureInfo.InvariantCulture), uint.Parse(fields[4], CultureInfo.InvariantCulture), capability, device);
        }
        catch (Exception e) when (e is FormatException or OverflowException or IndexOutOfRangeException or ArgumentException)
        {
            throw new QiTechOsException($"{where}: not a metadata line: '{line}'");
        }
    }
}
