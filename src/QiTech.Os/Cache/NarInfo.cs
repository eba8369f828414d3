using System.Globalization;
using System.Text;
using QiTech.Os.Errors;
using QiTech.Os.Nix;

namespace QiTech.Os.Cache;

/// <summary>
/// One <c>&lt;hash&gt;.narinfo</c> of a Nix binary cache: where a path's compressed NAR is,
/// what it hashes to, what it refers to, and who signed it.
/// </summary>
public sealed record NarInfo(
    StorePath Path,
    string Url,
    CacheCompression Compression,
    Sha256Digest? FileHash,
    long? FileSize,
    Sha256Digest NarHash,
    long NarSize,
    IReadOnlyList<StorePath> References,
    StorePath? Deriver,
    IReadOnlyList<string> Signatures,
    string? ContentAddress)
{
    /// <summary>The file name of a path's narinfo in the cache.</summary>
    public static string FileName(StorePath path) => path.HashPart + ".narinfo";

    /// <summary>
    /// What Nix signs: <c>1;STOREPATH;NARHASH;NARSIZE;REF,REF…</c>, with the NAR hash in
    /// base32 and the references as full paths in their sorted order.
    /// </summary>
    public static byte[] Fingerprint(StoreDirectory storeDir, StorePath path, Sha256Digest narHash, long narSize, IEnumerable<StorePath> references) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"1;{storeDir.Render(path)};sha256:{narHash.ToBase32()};{narSize};{string.Join(',', references.Order().Select(storeDir.Render))}"));

    public byte[] Fingerprint(StoreDirectory storeDir) => Fingerprint(storeDir, Path, NarHash, NarSize, References);

    public string Render(StoreDirectory storeDir)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"StorePath: {storeDir.Render(Path)}\n");
        text.Append(CultureInfo.InvariantCulture, $"URL: {Url}\n");
        text.Append(CultureInfo.InvariantCulture, $"Compression: {Compression.Name()}\n");
        if (FileHash is { } fileHash)
        {
            text.Append(CultureInfo.InvariantCulture, $"FileHash: sha256:{fileHash.ToBase32()}\n");
        }
        if (FileSize is { } fileSize)
        {
            text.Append(CultureInfo.InvariantCulture, $"FileSize: {fileSize}\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"NarHash: sha256:{NarHash.ToBase32()}\n");
        text.Append(CultureInfo.InvariantCulture, $"NarSize: {NarSize}\n");
        text.Append(CultureInfo.InvariantCulture, $"References: {string.Join(' ', References.Order().Select(r => r.BaseName))}\n");
        if (Deriver is { } deriver)
        {
            text.Append(CultureInfo.InvariantCulture, $"Deriver: {deriver.BaseName}\n");
        }
        foreach (var signature in Signatures)
        {
            text.Append(CultureInfo.InvariantCulture, $"Sig: {signature}\n");
        }
        if (ContentAddress is { } ca)
        {
            text.Append(CultureInfo.InvariantCulture, $"CA: {ca}\n");
        }
        return text.ToString();
    }

    /// <summary>
    /// Parses a narinfo; <paramref name="place"/> (the cache URL and file) starts every error.
    /// Keys Nix may add that this reader does not need (System:) are ignored.
    /// </summary>
    public static NarInfo Parse(string text, StoreDirectory storeDir, string place)
    {
        StorePath? path = null;
        string? url = null;
        var compression = CacheCompression.Bzip2;
        Sha256Digest? fileHash = null;
        long? fileSize = null;
        Sha256Digest? narHash = null;
        long? narSize = null;
        var references = new List<StorePath>();
        StorePath? deriver = null;
        var signatures = new List<string>();
        string? ca = null;
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0 && !line.EndsWith(':'))
            {
                throw new BadInputException($"{place}:{lineNumber}: not a 'Key: value' line");
            }
            var key = colon > 0 ? line[..colon] : line[..^1];
            var value = colon > 0 ? line[(colon + 2)..] : "";
            var at = $"{place}:{lineNumber}";
            switch (key)
            {
                case "StorePath":
                    path = storeDir.TryParse(value, out var p, out var error)
                        ? p
                        : throw new BadInputException($"{at}: StorePath '{value}' is not a path of {storeDir}: {error.Describe()}");
                    break;
                case "URL":
                    url = CheckUrl(value, at);
                    break;
                case "Compression":
                    compression = CacheCompressionNames.Parse(value, at);
                    break;
                case "FileHash":
                    fileHash = ParseHash(value, at, key);
                    break;
                case "FileSize":
                    fileSize = ParseSize(value, at, key);
                    break;
                case "NarHash":
                    narHash = ParseHash(value, at, key);
                    break;
                case "NarSize":
                    narSize = ParseSize(value, at, key);
                    break;
                case "References":
                    foreach (var name in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        references.Add(StorePath.TryParseBaseName(name, out var r, out var refError)
                            ? r
                            : throw new BadInputException($"{at}: reference '{name}': {refError.Describe()}"));
                    }
                    break;
                case "Deriver":
                    if (value.Length > 0 && value != "unknown-deriver")
                    {
                        deriver = StorePath.TryParseBaseName(value, out var d, out var derError)
                            ? d
                            : throw new BadInputException($"{at}: Deriver '{value}': {derError.Describe()}");
                    }
                    break;
                case "Sig":
                    signatures.Add(value);
                    break;
                case "CA":
                    ca = value;
                    break;
                default:
                    break;
            }
        }
        if (path is null || url is null || narHash is null || narSize is null)
        {
            var missing = new[] { ("StorePath", path is null), ("URL", url is null), ("NarHash", narHash is null), ("NarSize", narSize is null) }
                .Where(f => f.Item2).Select(f => f.Item1);
            throw new BadInputException($"{place}: missing {string.Join(", ", missing)}");
        }
        return new NarInfo(path.Value, url, compression, fileHash, fileSize, narHash.Value, narSize.Value,
            references.Order().ToList(), deriver, signatures, ca);
    }

    // A cache names NARs relative to itself; nothing may climb out of it or name another host.
    private static string CheckUrl(string value, string at)
    {
        if (value.Length == 0 || value.StartsWith('/') || value.Contains("://", StringComparison.Ordinal)
            || value.Split('/').Any(s => s is "" or "." or "..") || value.Any(c => char.IsControl(c) || c is '\\' or '?' or '#' or '%'))
        {
            throw new BadInputException($"{at}: URL '{value}' must be a plain path inside the cache");
        }
        return value;
    }

    private static Sha256Digest ParseHash(string value, string at, string key) =>
        value.StartsWith("sha256:", StringComparison.Ordinal) && Sha256Digest.TryParse(value, out var digest)
            ? digest
            : throw new BadInputException($"{at}: {key} '{value}' is not a sha256 hash");

    private static long ParseSize(string value, string at, string key) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? size
            : throw new BadInputException($"{at}: {key} '{value}' is not a size");
}
