namespace QiTech.Os.Config;

/// <summary>
/// Where a definition came from: a YAML file with 1-based line and column, or a built-in
/// module (line 0) whose name stands in for the file.
/// </summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <summary>A definition made by a module in code, e.g. "module services.qitech".</summary>
    public static SourceLocation Module(string name) => new("module " + name, 0, 0);

    public bool IsFile => Line > 0;

    public override string ToString() => IsFile ? $"{File}:{Line}:{Column}" : File;
}
