namespace QiTech.Os.Generations;

/// <summary>What <c>delete-generations</c> removed and what it kept back, with why.</summary>
public sealed record DeletionResult(IReadOnlyList<GenerationNumber> Deleted, IReadOnlyList<(GenerationNumber Number, string Why)> Kept);
