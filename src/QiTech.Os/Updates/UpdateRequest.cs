using QiTech.Os.Activation;
using QiTech.Os.Sources;

namespace QiTech.Os.Updates;

/// <summary>
/// Update the machine to <see cref="Ref"/> of <see cref="Source"/>: the configuration is
/// <see cref="ConfigFile"/> at the root of that commit's tree. <see cref="RollBack"/> false
/// keeps a version that fails its health checks running (for debugging).
/// </summary>
public sealed record UpdateRequest(SourceUrl Source, GitRefName Ref, ActivationMode Mode, string ConfigFile = UpdateRequest.DefaultConfigFile, bool RollBack = true)
{
    public const string DefaultConfigFile = "machine.yaml";
}
