using QiTech.Os.Generations;
using QiTech.Os.Nix;

namespace QiTech.Os.Contract;

/// <summary><c>POST /v1/generations/delete</c>: as <c>delete-generations</c> (<c>N…</c>, <c>+K</c> or <c>Nd</c>).</summary>
public sealed record DeleteRequest(string Spec);

/// <summary>What a deletion removed, and what it kept with why.</summary>
public sealed record DeletionJson(IReadOnlyList<GenerationNumber> Deleted, IReadOnlyList<KeptJson> Kept)
{
    public static DeletionJson From(DeletionResult result) =>
        new(result.Deleted, [.. result.Kept.Select(k => new KeptJson(k.Number, k.Why))]);
}

/// <summary>A generation a deletion kept; <see cref="Reason"/> completes "it …" ("is the boot default").</summary>
public sealed record KeptJson(GenerationNumber Number, string Reason);

/// <summary><c>POST /v1/gc</c>.</summary>
public sealed record GcRequest(bool DryRun);

/// <summary>The result of a gc job.</summary>
public sealed record GcJson(bool DryRun, IReadOnlyList<StorePath> Deleted, long BytesFreed);
