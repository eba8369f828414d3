using QiTech.Os.Nix;

namespace QiTech.Os.Generations;

/// <summary>One <c>system-&lt;N&gt;-link</c>: its number, the system it points to, when it was made.</summary>
public sealed record GenerationLink(GenerationNumber Number, StorePath System, DateTimeOffset Created);
