using QiTech.Os.Nix;

namespace QiTech.Os.Generations;

/// <summary>
/// What runs now (<c>R/run/current-system</c>), what was booted (<c>R/run/booted-system</c>)
/// and the boot default (the profile). A generation number is null when no generation holds
/// that system (after <c>test</c> of a path, say).
/// </summary>
public sealed record SystemState(
    StorePath? CurrentSystem,
    GenerationNumber? Current,
    StorePath? BootedSystem,
    GenerationNumber? Booted,
    GenerationNumber? BootDefault);
