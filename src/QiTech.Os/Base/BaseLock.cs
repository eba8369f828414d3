using System.Globalization;
using System.Text;
using QiTech.Os.Errors;
using QiTech.Os.Nix;

namespace QiTech.Os.Base;

/// <summary>
/// The base lock file: the request it was resolved for and every .deb of the resolved base,
/// one line each, sorted, so the same resolution always gives the same bytes and a change
/// reads as a diff of package lines. No mirror host: pool paths are relative to a mirror's
/// root, and the mirrors come from the build machine's apt sources.
/// <code>
/// suite bookworm
/// architecture amd64
/// variant minbase
/// packages cage chromium
/// deb &lt;name&gt; &lt;version&gt; &lt;architecture&gt; &lt;priority&gt; &lt;size&gt; &lt;sha256&gt; &lt;pool path&gt;
/// </code>
/// </summary>
public sealed class BaseLock
{
    public const string DefaultFileName = "base.lock";

    private const string Header =
        "# The pinned Debian base: every .deb of the resolved closure. Made by `qitech-os base lock`; do not edit.\n" +
        "# deb <name> <version> <architecture> <priority> <size> <sha256> <pool path>\n";

    public BaseLock(BaseRequest request, IEnumerable<DebianPackagePin> packages)
    {
        Request = request;
        var sorted = packages.ToList();
        sorted.Sort(DebianPackagePin.Compare);
        foreach (var twin in sorted.GroupBy(p => (p.Name, p.Architecture)).Where(g => g.Count() > 1))
        {
            throw new BadInputException($"the base holds {twin.Key.Name} ({twin.Key.Architecture}) twice: {string.Join(", ", twin.Select(p => p.Version))}");
        }
        Packages = sorted;
    }

    public BaseRequest Request { get; }

    public IReadOnlyList<DebianPackagePin> Packages { get; }

    public string Render()
    {
        var text = new StringBuilder(Header);
        text.Append("suite ").Append(Request.Suite).Append('\n');
        text.Append("architecture ").Append(Request.Architecture).Append('\n');
        text.Append("variant ").Append(Request.Variant).Append('\n');
        text.Append("packages");
        foreach (var package in Request.Packages)
        {
            text.Append(' ').Append(package);
        }
        text.Append('\n');
        if (Request.DisabledUnits.Count > 0)
        {
            text.Append("disabled-units ").Append(string.Join(' ', Request.DisabledUnits)).Append('\n');
        }
        foreach (var p in Packages)
        {
            text.Append(CultureInfo.InvariantCulture, $"deb {p.Name} {p.Version} {p.Architecture} {p.Priority} {p.Size} {p.Sha256.ToBase16()} {p.Filename}\n");
        }
        return text.ToString();
    }

    /// <summary>Reads a lock file; any malformed line is bad input named by file and line.</summary>
    public static BaseLock Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            throw new BadInputException($"{path}: no base lock file; make it with `qitech-os base lock`");
        }
        return Parse(text, path);
    }

    /// <summary>Writes the lock durably (temp file, sync, rename): a killed write leaves the old lock.</summary>
    public void Write(string path) => QiTech.Os.Platform.DurableFile.Write(path, Render());

    public static BaseLock Parse(string text, string source)
    {
        string? suite = null, architecture = null, variant = null;
        List<string>? requested = null;
        List<string>? disabled = null;
        var pins = new List<DebianPackagePin>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var where = $"{source}:{i + 1}";
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var fields = line.Split(' ');
            switch (fields[0])
            {
                case "suite" when fields.Length == 2 && suite == null:
                    suite = fields[1];
                    break;
                case "architecture" when fields.Length == 2 && architecture == null:
                    architecture = fields[1];
                    break;
                case "variant" when fields.Length == 2 && variant == null:
                    variant = fields[1];
                    break;
                case "packages" when requested == null:
                    requested = [.. fields.Skip(1)];
                    break;
                case "disabled-units" when disabled == null:
                    disabled = [.. fields.Skip(1)];
                    break;
                case "deb" when fields.Length == 8:
                    pins.Add(ParsePin(fields, where));
                    break;
                default:
                    throw new BadInputException($"{where}: not a base lock line: '{Shorten(line)}'");
            }
        }
        if (suite == null || architecture == null || variant == null || requested == null)
        {
            throw new BadInputException($"{source}: a base lock names its suite, architecture, variant and packages");
        }
        BaseRequest request;
        try
        {
            request = new BaseRequest(suite, architecture, variant, requested, disabled);
        }
        catch (BadInputException e)
        {
            throw new BadInputException($"{source}: {e.Message}");
        }
        try
        {
            return new BaseLock(request, pins);
        }
        catch (BadInputException e)
        {
            throw new BadInputException($"{source}: {e.Message}");
        }
    }

    private static DebianPackagePin ParsePin(string[] f, string where)
    {
        Expect(DebianNames.Package().IsMatch(f[1]), where, "package name", f[1]);
        Expect(DebianNames.Version().IsMatch(f[2]), where, "version", f[2]);
        Expect(DebianNames.Architecture().IsMatch(f[3]), where, "architecture", f[3]);
        Expect(DebianNames.Priority().IsMatch(f[4]), where, "priority", f[4]);
        Expect(long.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var size), where, "size", f[5]);
        var sha = default(Sha256Digest);
        Expect(f[6].Length == 64 && f[6].All(char.IsAsciiHexDigitLower) && Sha256Digest.TryParse(f[6], out sha), where, "SHA-256 (64 lower-case hex digits)", f[6]);
        Expect(DebianNames.PoolFile().IsMatch(f[7]), where, "pool path", f[7]);
        return new DebianPackagePin(f[1], f[2], f[3], f[4], size, sha, f[7]);
    }

    private static void Expect(bool ok, string where, string what, string value)
    {
        if (!ok)
        {
            throw new BadInputException($"{where}: '{Shorten(value)}' is not a valid {what}");
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
