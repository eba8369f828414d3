namespace QiTech.Os.Nix;

/// <summary>
/// A store path without its directory: a 20-byte hash part (32 nix-base32 characters) and a
/// name. Rendered with a <see cref="StoreDirectory"/>; compared by its base name.
/// </summary>
public readonly record struct StorePath : IComparable<StorePath>
{
    public const int HashPartLength = 32;
    public const int MaxNameLength = 211;

    private StorePath(string hashPart, string name)
    {
        HashPart = hashPart;
        Name = name;
    }

    public string HashPart { get; }

    public string Name { get; }

    /// <summary><c>&lt;hash&gt;-&lt;name&gt;</c>, the entry's name inside the store directory.</summary>
    public string BaseName => HashPart + "-" + Name;

    public static StorePath FromParts(ReadOnlySpan<byte> hash20, string name)
    {
        if (hash20.Length != 20)
        {
            throw new ArgumentException("a store path hash has 20 bytes", nameof(hash20));
        }
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' {StorePathError.InvalidName.Describe()}", nameof(name));
        }
        return new StorePath(NixBase32.Encode(hash20), name);
    }

    /// <summary>Parses a base name <c>&lt;hash&gt;-&lt;name&gt;</c>.</summary>
    public static bool TryParseBaseName(ReadOnlySpan<char> text, out StorePath path, out StorePathError error)
    {
        path = default;
        if (text.Length < HashPartLength + 2)
        {
            error = StorePathError.TooShort;
            return false;
        }
        var hash = text[..HashPartLength];
        foreach (var c in hash)
        {
            if (!NixBase32.IsBase32Char(c))
            {
                error = StorePathError.InvalidHash;
                return false;
            }
        }
        if (text[HashPartLength] != '-')
        {
            error = StorePathError.MissingDash;
            return false;
        }
        var name = text[(HashPartLength + 1)..];
        if (name.Contains('/'))
        {
            error = StorePathError.HasSubpath;
            return false;
        }
        if (!IsValidName(name))
        {
            error = StorePathError.InvalidName;
            return false;
        }
        error = StorePathError.None;
        path = new StorePath(hash.ToString(), name.ToString());
        return true;
    }

    public static StorePath ParseBaseName(string text) =>
        TryParseBaseName(text, out var path, out var error)
            ? path
            : throw new FormatException($"'{text}' {error.Describe()}");

    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.Length == 0 || name.Length > MaxNameLength || name[0] == '.')
        {
            return false;
        }
        foreach (var c in name)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                or '+' or '-' or '.' or '_' or '?' or '=';
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    public int CompareTo(StorePath other) => string.CompareOrdinal(BaseName, other.BaseName);

    public override string ToString() => BaseName;
}
