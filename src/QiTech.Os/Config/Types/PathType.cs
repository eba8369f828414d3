using System.Text.Json.Nodes;

namespace QiTech.Os.Config.Types;

/// <summary>
/// A path. <see cref="PathKind.OnTarget"/>: an absolute path on the machine being configured
/// (a home directory). <see cref="PathKind.Local"/>: a file beside the configuration, relative
/// to the YAML file that names it, copied into the store when the system is built.
/// <see cref="PathKind.Source"/>: a local directory that is a package's source.
/// </summary>
public sealed class PathType(PathKind kind) : ScalarOptionType
{
    public const string OnTargetPattern = "^/[A-Za-z0-9._+@:/-]*$";

    public override string Name => kind switch
    {
        PathKind.OnTarget => "absolute path",
        PathKind.Source => "source directory",
        _ => "path",
    };

    /// <summary>Not without the merge context: a local path is checked against the configuration's repository.</summary>
    public override object? Check(OptionPath path, Definition definition) =>
        throw new InvalidOperationException("a path is checked while merging, against the configuration's repository");

    protected override object? Check(OptionPath path, Definition definition, MergeContext context)
    {
        var scalar = Scalar(path, definition);
        var text = scalar.Text;
        if (scalar.IsNull || text.Length == 0 || text.Contains('\0') || text.Contains('\n'))
        {
            throw ConfigException.WrongType(definition.Location, path, Name, scalar.Describe());
        }
        if (kind == PathKind.OnTarget)
        {
            // Such paths end up in unit lines and shell commands: plain characters only.
            return System.Text.RegularExpressions.Regex.IsMatch(text, OnTargetPattern) && !text.Split('/').Any(s => s is "." or "..")
                ? text
                : throw ConfigException.WrongType(definition.Location, path, Name, scalar.Describe());
        }
        if (!definition.Location.IsFile && !text.StartsWith('/'))
        {
            throw ConfigException.WrongType(definition.Location, path, "an absolute path (set in code)", scalar.Describe());
        }
        var baseDir = definition.Location.IsFile ? Path.GetDirectoryName(Path.GetFullPath(definition.Location.File))! : "/";
        var full = Path.GetFullPath(text, baseDir);
        // A file's path may not lead out of the repository (symlinks followed), not even to say
        // whether something exists there; paths modules set in code are the product's own.
        if (definition.Location.IsFile && !context.Repository.Permits(full, out var resolved))
        {
            throw ConfigException.At(definition.Location, path, context.Repository.Outside(text, full, resolved, importing: false));
        }
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw ConfigException.At(definition.Location, path, $"path '{text}' does not exist");
        }
        if (kind == PathKind.Source && !Directory.Exists(full))
        {
            throw ConfigException.At(definition.Location, path, $"path '{text}' is not a directory");
        }
        return new LocalPath(full) { IsSource = kind == PathKind.Source };
    }

    public override JsonObject JsonSchema() => kind == PathKind.OnTarget
        ? new JsonObject { ["type"] = "string", ["pattern"] = OnTargetPattern }
        : new JsonObject { ["type"] = "string", ["minLength"] = 1 };
}

public enum PathKind
{
    OnTarget,
    Local,
    Source,
}
