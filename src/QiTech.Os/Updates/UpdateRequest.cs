using QiTech.Os.Activation;
using QiTech.Os.Sources;

namespace QiTech.Os.Updates;

/// <summary>
/// Update the machine to <see cref="Ref"/> of <see cref="Source"/>: the configuration is
/// <see cref="ConfigFile"/>, relative to the root of that commit's tree; null: the first of
/// <see cref="CommitConfiguration.DefaultFiles"/> the commit has. <see cref="RollBack"/> false keeps a
/// version that fails its health checks running (for debugging).
/// </summary>
public sealed record UpdateRequest(SourceUrl Source, GitRefName Ref, ActivationMode Mode, string? ConfigFile = null, bool RollBack = true);
