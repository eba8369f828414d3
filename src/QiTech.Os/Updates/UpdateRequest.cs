using QiTech.Os.Activation;
using QiTech.Os.Sources;

namespace QiTech.Os.Updates;

/// <summary>
/// Update the machine to <see cref="Ref"/> of <see cref="Source"/>: the configuration is
/// <see cref="ConfigFile"/> at the root of that commit's tree.
/// </summary>
public sealed record UpdateRequest(SourceUrl Source, GitRefName Ref, ActivationMode Mode, string ConfigFile = UpdateRequest.DefaultConfigFile)
{
    public const string DefaultConfigFile = "machine.yaml";
}
