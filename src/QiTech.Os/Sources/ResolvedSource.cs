using QiTech.Os.Nix;

namespace QiTech.Os.Sources;

/// <summary>A ref turned into a commit's tree in the store, with its version variables.</summary>
public sealed record ResolvedSource(VersionInfo Info, StorePath TreePath, long SourceDateEpoch);
