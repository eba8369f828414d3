namespace QiTech.Os.Config;

/// <summary>One option as a module declares it: its type, default, and the words for the docs.</summary>
public sealed record OptionDeclaration(
    string Name,
    OptionType Type,
    object? Default,
    string Description,
    string? Example = null);
