namespace QiTech.Os.Config;

/// <summary>One YAML file of a configuration, its <c>imports</c> already taken out.</summary>
public sealed record ConfigFile(string DisplayPath, string FullPath, MappingDefinition Root);
