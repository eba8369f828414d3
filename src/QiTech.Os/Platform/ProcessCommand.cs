namespace QiTech.Os.Platform;

/// <summary>
/// A program to run: its argument list (never a shell line), where it runs, what environment it
/// gets and what it reads on stdin.
/// </summary>
public sealed record ProcessCommand(string Program, IReadOnlyList<string> Arguments)
{
    /// <summary>The folder it runs in; null: the caller's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Which inherited variables it keeps; null: all of them. <c>_ => false</c> starts from an empty environment.</summary>
    public Func<string, bool>? Inherit { get; init; }

    /// <summary>Variables set on top of what is inherited.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>What the program reads on stdin; null: an empty stdin.</summary>
    public byte[]? Input { get; init; }

    public override string ToString() => string.Join(' ', [Program, .. Arguments]);
}
