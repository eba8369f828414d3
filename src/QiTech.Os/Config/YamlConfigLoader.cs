using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace QiTech.Os.Config;

/// <summary>
/// Reads a configuration file and everything it imports into definitions. Files come out
/// imports first, so a file's own definitions follow those it builds on (lists concatenate in
/// that order). A file imported twice is read once; a cycle is an error at the import.
/// </summary>
public static class YamlConfigLoader
{
    public const string ImportsKey = "imports";
    public const string ForceTag = "!force";
    public const string DefaultTag = "!default";

    private static readonly OptionPath ImportsPath = OptionPath.Parse(ImportsKey);

    /// <param name="path">The top file as the user named it; messages show paths relative to it the same way.</param>
    public static IReadOnlyList<ConfigFile> Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new Errors.BadInputException($"configuration file '{path}' does not exist");
        }
        var files = new List<ConfigFile>();
        Load(path, full, [], new HashSet<string>(StringComparer.Ordinal), files);
        return files;
    }

    private static void Load(string display, string full, List<string> stack, HashSet<string> done, List<ConfigFile> files)
    {
        stack.Add(full);
        var root = Parse(display, File.ReadAllText(full));
        var own = new List<MappingEntry>();
        foreach (var entry in root.Entries)
        {
            if (entry.Key != ImportsKey)
            {
                own.Add(entry);
                continue;
            }
            if (entry.Value is ScalarDefinition { IsNull: true })
            {
                continue;
            }
            if (entry.Value is not SequenceDefinition imports)
            {
                throw ConfigException.WrongType(entry.Value.Location, ImportsPath, "list of path", entry.Value.Describe());
            }
            foreach (var item in imports.Items)
            {
                if (item is not ScalarDefinition { IsNull: false } scalar || scalar.Text.Contains('\0'))
                {
                    throw ConfigException.WrongType(item.Location, ImportsPath, "path", item.Describe());
                }
                var importFull = Path.GetFullPath(scalar.Text, Path.GetDirectoryName(full)!);
                var importDisplay = scalar.Text.StartsWith('/') ? scalar.Text : JoinDisplay(display, scalar.Text);
                if (stack.Contains(importFull))
                {
                    var cycle = stack.SkipWhile(s => s != importFull).Append(importFull).Select(Path.GetFileName);
                    throw ConfigException.At(item.Location, ImportsPath, "import cycle: " + string.Join(" -> ", cycle));
                }
                if (done.Contains(importFull))
                {
                    continue;
                }
                if (!File.Exists(importFull))
                {
                    throw ConfigException.At(item.Location, ImportsPath, $"imported file '{scalar.Text}' does not exist");
                }
                Load(importDisplay, importFull, stack, done, files);
            }
        }
        stack.RemoveAt(stack.Count - 1);
        done.Add(full);
        files.Add(new ConfigFile(display, full, root with { Entries = own }));
    }

    /// <summary>Parses one YAML document into definitions; an empty file is an empty mapping.</summary>
    public static MappingDefinition Parse(string display, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw ConfigException.At(new SourceLocation(display, (int)e.Start.Line, (int)e.Start.Column), OptionPath.Root, "YAML syntax: " + CleanMessage(e));
        }
        if (stream.Documents.Count == 0)
        {
            return new MappingDefinition([], new SourceLocation(display, 1, 1));
        }
        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            throw ConfigException.At(At(display, second.Start), OptionPath.Root, "a configuration file holds one YAML document");
        }
        var node = Convert(display, stream.Documents[0].RootNode);
        return node switch
        {
            MappingDefinition m => m,
            ScalarDefinition { IsNull: true } => new MappingDefinition([], node.Location),
            _ => throw ConfigException.WrongType(node.Location, OptionPath.Root, "a mapping of options", node.Describe()),
        };
    }

    private static DefinitionNode Convert(string display, YamlNode node)
    {
        var location = At(display, node.Start);
        var tag = node.Tag.IsEmpty ? null : node.Tag.Value;
        Priority? priority = tag switch
        {
            ForceTag => Priority.Force,
            DefaultTag => Priority.Default,
            _ => null,
        };
        var forcedString = tag == "tag:yaml.org,2002:str";
        if (tag != null && priority == null && !forcedString)
        {
            throw ConfigException.At(location, OptionPath.Root, $"unknown tag '{tag}' (known: {ForceTag}, {DefaultTag})");
        }
        switch (node)
        {
            case YamlScalarNode scalar:
                return new ScalarDefinition(scalar.Value ?? "", forcedString || scalar.Style is not ScalarStyle.Plain, location, priority);
            case YamlSequenceNode seq:
                return new SequenceDefinition([.. seq.Children.Select(c => Convert(display, c))], location, priority);
            case YamlMappingNode map:
                // YamlDotNet itself refuses a duplicate key, as a syntax error at the second.
                var entries = new List<MappingEntry>();
                foreach (var (key, value) in map.Children)
                {
                    var keyLocation = At(display, key.Start);
                    if (key is not YamlScalarNode { Value: { } keyText })
                    {
                        throw ConfigException.At(keyLocation, OptionPath.Root, "a key must be a plain name");
                    }
                    entries.Add(new MappingEntry(keyText, keyLocation, Convert(display, value)));
                }
                return new MappingDefinition(entries, location, priority);
            default:
                throw ConfigException.At(location, OptionPath.Root, "unsupported YAML node");
        }
    }

    private static SourceLocation At(string display, Mark mark) => new(display, (int)mark.Line, (int)mark.Column);

    // YamlDotNet puts the place in front of its message ("(Line: 2, Col: 3, Idx: 9) - (...): "); ours says it already.
    private static string CleanMessage(YamlException e)
    {
        var message = e.Message;
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && marker >= 0)
        {
            message = message[(marker + 3)..];
        }
        return message.ReplaceLineEndings(" ").Trim();
    }

    /// <summary>"configuration/machine.yaml" + "../modules/kiosk.yaml" → "modules/kiosk.yaml", lexically.</summary>
    public static string JoinDisplay(string importerDisplay, string relative)
    {
        var dir = Path.GetDirectoryName(importerDisplay) ?? "";
        var parts = new List<string>();
        var absolute = dir.StartsWith('/');
        foreach (var part in (dir + "/" + relative).Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else
            {
                parts.Add(part);
            }
        }
        return (absolute ? "/" : "") + string.Join('/', parts);
    }
}
