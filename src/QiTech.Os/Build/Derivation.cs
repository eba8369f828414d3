using QiTech.Os.Nix;

namespace QiTech.Os.Build;

/// <summary>
/// How to build one package: a builder program with arguments and environment, run in the
/// sandbox with only <see cref="InputPaths"/> (and their closure) and <see cref="HostInputs"/>
/// visible. Its output path is derived from all of it (see <see cref="DerivationHasher"/>),
/// so an unchanged derivation is never built twice.
/// </summary>
public sealed record Derivation
{
    public const string DefaultSystem = "x86_64-linux";

    public required string Name { get; init; }

    /// <summary>Absolute path of the builder inside the sandbox (a store path or a host input's file).</summary>
    public required string Builder { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    public IReadOnlySet<StorePath> InputPaths { get; init; } = new HashSet<StorePath>();

    public IReadOnlyList<HostInput> HostInputs { get; init; } = [];

    /// <summary>Set for a fetch: the output's pinned hash. Only these builds get the network.</summary>
    public FixedOutput? FixedOutput { get; init; }

    public string System { get; init; } = DefaultSystem;

    /// <summary>Output names; a fixed-output derivation has exactly "out".</summary>
    public IReadOnlyList<string> Outputs { get; init; } = ["out"];

    /// <summary>Checks what cannot be expressed in types; called before hashing.</summary>
    public void Validate()
    {
        if (!StorePath.IsValidName(Name))
        {
            throw new Errors.BadInputException($"derivation name '{Name}' is not a valid store path name");
        }
        if (!Builder.StartsWith('/') && Builder != NuGetFeed.Builder)
        {
            throw new Errors.BadInputException($"derivation '{Name}': builder '{Builder}' must be an absolute path or {NuGetFeed.Builder}");
        }
        if (Outputs.Count == 0 || Outputs.Distinct().Count() != Outputs.Count || Outputs.Any(o => !StorePath.IsValidName(o)))
        {
            throw new Errors.BadInputException($"derivation '{Name}': outputs must be distinct valid names");
        }
        if (FixedOutput != null && (Outputs.Count != 1 || Outputs[0] != "out"))
        {
            throw new Errors.BadInputException($"derivation '{Name}': a fixed-output derivation has the single output 'out'");
        }
        foreach (var host in HostInputs)
        {
            if (!host.SandboxPath.StartsWith('/') || host.SandboxPath.Split('/').Contains(".."))
            {
                throw new Errors.BadInputException($"derivation '{Name}': host input '{host.Name}' needs an absolute sandbox path");
            }
        }
    }
}
