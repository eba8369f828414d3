namespace QiTech.Os.Config;

/// <summary>
/// What a configuration may cost to read. A real machine's configuration is a few hundred
/// nodes in files of a few KiB; these bounds are far above that and far below what would
/// exhaust memory, time or the stack (a YAML alias "bomb" of a few hundred bytes expands to
/// billions of nodes; every nesting level is a frame in the evaluator).
/// </summary>
/// <param name="MaxFileBytes">The size of one file.</param>
/// <param name="MaxDepth">How deeply lists and mappings nest in one file.</param>
/// <param name="MaxNodes">The nodes of all files together, each alias counted as the nodes it stands for.</param>
/// <param name="MaxAliasNodes">The nodes all aliases together stand for.</param>
/// <param name="MaxImportDepth">How long a chain of imports may be.</param>
public sealed record YamlLimits(long MaxFileBytes, int MaxDepth, long MaxNodes, long MaxAliasNodes, int MaxImportDepth)
{
    public static YamlLimits Default { get; } = new(MaxFileBytes: 1 << 20, MaxDepth: 64, MaxNodes: 200_000, MaxAliasNodes: 10_000, MaxImportDepth: 32);
}
