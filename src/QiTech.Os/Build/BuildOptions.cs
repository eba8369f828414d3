namespace QiTech.Os.Build;

/// <summary>How to build: <see cref="Check"/> rebuilds a valid output and fails if the bits differ.</summary>
public sealed record BuildOptions
{
    public bool Check { get; init; }

    /// <summary>Receives each line the builder prints, as it prints it.</summary>
    public IProgress<string>? Log { get; init; }

    /// <summary>How many log lines a failure message repeats.</summary>
    public int TailLines { get; init; } = 20;
}
