namespace QiTech.Os.Sources;

/// <summary>A full git object name: 40 (SHA-1) or 64 (SHA-256) lowercase hexadecimal digits.</summary>
public readonly record struct GitCommitHash
{
    private GitCommitHash(string hex) => Hex = hex;

    public string Hex { get; }

    /// <summary>The first seven digits, as <c>git log --oneline</c> shows.</summary>
    public string Short => Hex[..7];

    public static bool TryParse(ReadOnlySpan<char> text, out GitCommitHash hash)
    {
        hash = default;
        if (text.Length is not (40 or 64))
        {
            return false;
        }
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }
        hash = new GitCommitHash(text.ToString());
        return true;
    }

    public static GitCommitHash Parse(string text) =>
        TryParse(text, out var hash) ? hash : throw new FormatException($"'{text}' is not a full git commit hash");

    public override string ToString() => Hex ?? "";
}
