using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace QiTech.Os.Config;

/// <summary>
/// Reads a configuration file and everything it imports into definitions. Files come out
/// imports first, so a file's own definitions follow those it builds on (lists concatenate in
/// that order). A file imported twice is read once; a cycle is an error at the import.
/// Imports stay inside the configuration's repository, and reading is bounded by
/// <see cref="YamlLimits"/>: no file, however made, costs more than those limits allow.
/// </summary>
public static class YamlConfigLoader
{
    public const string ImportsKey = "imports";
    public const string ForceTag = "!force";
    public const string DefaultTag = "!default";

    private static readonly OptionPath ImportsPath = OptionPath.Parse(ImportsKey);

    /// <param name="path">The top file as the user named it; messages show paths relative to it the same way.</param>
    /// <param name="repository">Where imports may come from (<see cref="ConfigRepository.Locate"/> of the top file).</param>
    public static IReadOnlyList<ConfigFile> Load(string path, ConfigRepository repository, YamlLimits? limits = null)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new Errors.BadInputException($"configuration file '{path}' does not exist");
        }
        var reading = new Reading(repository, limits ?? YamlLimits.Default);
        reading.Load(path, full, ConfigRepository.Resolve(full), null);
        return reading.Files;
    }

    /// <summary>Parses one YAML document into definitions; an empty file is an empty mapping.</summary>
    public static MappingDefinition Parse(string display, string text, YamlLimits? limits = null) =>
        new DocumentReader(display, limits ?? YamlLimits.Default, new NodeBudget()).Read(text);

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

    /// <summary>The nodes all files of one configuration have used so far.</summary>
    private sealed class NodeBudget
    {
        public long Nodes;
        public long AliasNodes;
    }

    /// <summary>One configuration being read: the files so far, the import chain, the shared budget.</summary>
    private sealed class Reading(ConfigRepository repository, YamlLimits limits)
    {
        private readonly List<string> stack = [];
        private readonly HashSet<string> done = new(StringComparer.Ordinal);
        private readonly NodeBudget budget = new();

        public List<ConfigFile> Files { get; } = [];

        /// <param name="full">The absolute path as written, which relative imports start from.</param>
        /// <param name="resolved">The file with its symlinks resolved: what identifies it.</param>
        /// <param name="importedAt">The import that names it, for errors about reading it.</param>
        public void Load(string display, string full, string resolved, SourceLocation? importedAt)
        {
            stack.Add(resolved);
            var root = new DocumentReader(display, limits, budget).Read(ReadText(display, resolved, importedAt));
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
                    Import(display, full, item);
                }
            }
            stack.RemoveAt(stack.Count - 1);
            done.Add(resolved);
            Files.Add(new ConfigFile(display, full, root with { Entries = own }));
        }

        private void Import(string display, string importer, DefinitionNode item)
        {
            if (item is not ScalarDefinition { IsNull: false } scalar || scalar.Text.Length == 0 || scalar.Text.Contains('\0'))
            {
                throw ConfigException.WrongType(item.Location, ImportsPath, "path", item.Describe());
            }
            var importFull = Path.GetFullPath(scalar.Text, Path.GetDirectoryName(importer)!);
            if (!repository.InRepository(importFull, out var importResolved))
            {
                throw ConfigException.At(item.Location, ImportsPath, repository.Outside(scalar.Text, importFull, importResolved, importing: true));
            }
            var importDisplay = scalar.Text.StartsWith('/') ? scalar.Text : JoinDisplay(display, scalar.Text);
            if (stack.Contains(importResolved))
            {
                var cycle = stack.SkipWhile(s => s != importResolved).Append(importResolved).Select(Path.GetFileName);
                throw ConfigException.At(item.Location, ImportsPath, "import cycle: " + string.Join(" -> ", cycle));
            }
            if (done.Contains(importResolved))
            {
                return;
            }
            if (!File.Exists(importResolved))
            {
                throw ConfigException.At(item.Location, ImportsPath, $"imported file '{scalar.Text}' does not exist");
            }
            if (stack.Count >= limits.MaxImportDepth)
            {
                throw ConfigException.At(item.Location, ImportsPath, $"imports nest deeper than {limits.MaxImportDepth} files (the limit)");
            }
            Load(importDisplay, importFull, importResolved, item.Location);
        }

        // At most the limit (plus one byte to notice more) is read; a fifo or device is refused
        // before it is opened, as it could block or never end.
        private string ReadText(string display, string resolved, SourceLocation? importedAt)
        {
            var at = importedAt ?? new SourceLocation(display, 1, 1);
            var path = importedAt == null ? OptionPath.Root : ImportsPath;
            try
            {
                var info = new FileInfo(resolved);
                if (!IsRegular(resolved))
                {
                    throw ConfigException.At(at, path, $"'{display}' is not a regular file");
                }
                using var stream = new FileStream(resolved, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                var buffer = new byte[Math.Min(limits.MaxFileBytes + 1, Math.Max(info.Length + 1, 4096))];
                var length = 0;
                while (length < buffer.Length)
                {
                    var n = stream.Read(buffer, length, buffer.Length - length);
                    if (n == 0)
                    {
                        break;
                    }
                    length += n;
                    if (length == buffer.Length && length <= limits.MaxFileBytes)
                    {
                        Array.Resize(ref buffer, (int)Math.Min(limits.MaxFileBytes + 1, buffer.Length * 2L));
                    }
                }
                if (length > limits.MaxFileBytes)
                {
                    throw ConfigException.At(new SourceLocation(display, 1, 1), OptionPath.Root, $"the file is larger than {limits.MaxFileBytes} bytes (the limit of a configuration file)");
                }
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length);
            }
            catch (DecoderFallbackException)
            {
                throw ConfigException.At(new SourceLocation(display, 1, 1), OptionPath.Root, "the file is not UTF-8 text");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw ConfigException.At(at, path, $"cannot read '{display}': {e.Message}");
            }
        }

        private static bool IsRegular(string path) => Platform.Posix.TryStat(Platform.Posix.AtFdCwd, Platform.Posix.Z(path), out var st, follow: true) && st.IsRegular;
    }

    /// <summary>
    /// Builds the definitions of one document from YamlDotNet's parser events, without
    /// recursion and counting as it goes: an alias adds the nodes it stands for, so an alias
    /// bomb stops at the limit instead of being expanded.
    /// </summary>
    private sealed class DocumentReader(string display, YamlLimits limits, NodeBudget budget)
    {
        private readonly Dictionary<string, (DefinitionNode Node, long Size)> anchors = new(StringComparer.Ordinal);
        private IParser parser = null!;

        public MappingDefinition Read(string text)
        {
            parser = new Parser(new StringReader(text));
            Next(); // stream start
            if (Next() is StreamEnd)
            {
                return new MappingDefinition([], new SourceLocation(display, 1, 1));
            }
            Next(); // the first event of the document's node
            var node = ReadNode();
            Next(); // document end
            if (Next() is DocumentStart)
            {
                throw ConfigException.At(At(Next().Start), OptionPath.Root, "a configuration file holds one YAML document");
            }
            return node switch
            {
                MappingDefinition m => m,
                ScalarDefinition { IsNull: true } => new MappingDefinition([], node.Location),
                // Only the kind: the text could be any file's first line.
                _ => throw ConfigException.At(node.Location, OptionPath.Root, "expected a mapping of options, got " + Kind(node)),
            };
        }

        private ParsingEvent Next()
        {
            try
            {
                if (!parser.MoveNext())
                {
                    throw new InvalidOperationException("YAML events ended early");
                }
                return parser.Current!;
            }
            catch (YamlException e)
            {
                throw ConfigException.At(At(e.Start), OptionPath.Root, "YAML syntax: " + CleanMessage(e));
            }
        }

        /// <summary>Reads the node starting at the document's first node event, all of it.</summary>
        private DefinitionNode ReadNode()
        {
            var open = new Stack<Collection>();
            var current = parser.Current!;
            while (true)
            {
                DefinitionNode? complete = null;
                long size = 0;
                switch (current)
                {
                    case AnchorAlias alias:
                        if (!anchors.TryGetValue(alias.Value.Value, out var anchored))
                        {
                            throw ConfigException.At(At(alias.Start), OptionPath.Root, "YAML syntax: an alias names no anchor defined before it");
                        }
                        budget.AliasNodes += anchored.Size;
                        if (budget.AliasNodes > limits.MaxAliasNodes)
                        {
                            throw ConfigException.At(At(alias.Start), OptionPath.Root, $"aliases expand to more than {limits.MaxAliasNodes} nodes (the limit)");
                        }
                        Count(anchored.Size, alias.Start);
                        (complete, size) = anchored;
                        break;
                    case Scalar scalar:
                        Count(1, scalar.Start);
                        var tag = Tag(scalar.Tag, scalar.Start);
                        complete = new ScalarDefinition(scalar.Value, tag.ForcedString || scalar.Style is not ScalarStyle.Plain, At(scalar.Start), tag.Priority);
                        size = 1;
                        Anchor(scalar.Anchor, complete, size);
                        break;
                    case SequenceStart or MappingStart:
                        var start = (NodeEvent)current;
                        Count(1, start.Start);
                        if (open.Count >= limits.MaxDepth)
                        {
                            throw ConfigException.At(At(start.Start), OptionPath.Root, $"lists and mappings nest deeper than {limits.MaxDepth} levels (the limit)");
                        }
                        if (open.TryPeek(out var parent) && parent.ExpectsKey)
                        {
                            throw ConfigException.At(At(start.Start), OptionPath.Root, "a key must be a plain name");
                        }
                        open.Push(new Collection(start is MappingStart, At(start.Start), Tag(start.Tag, start.Start), start.Anchor));
                        break;
                    case SequenceEnd or MappingEnd:
                        var closed = open.Pop();
                        (complete, size) = (closed.Build(), closed.Size);
                        Anchor(closed.AnchorName, complete, size);
                        break;
                    default:
                        throw new InvalidOperationException($"unexpected YAML event {current.GetType().Name}");
                }
                if (complete != null)
                {
                    if (!open.TryPeek(out var parent))
                    {
                        return complete;
                    }
                    parent.Add(complete, size);
                }
                current = Next();
            }
        }

        private void Count(long nodes, Mark at)
        {
            budget.Nodes += nodes;
            if (budget.Nodes > limits.MaxNodes)
            {
                throw ConfigException.At(At(at), OptionPath.Root, $"the configuration has more than {limits.MaxNodes} YAML nodes, aliases expanded (the limit)");
            }
        }

        private void Anchor(AnchorName name, DefinitionNode node, long size)
        {
            if (!name.IsEmpty)
            {
                anchors[name.Value] = (node, size);
            }
        }

        private (Priority? Priority, bool ForcedString) Tag(TagName tag, Mark at) => tag.IsEmpty ? (null, false) : tag.Value switch
        {
            ForceTag => (Priority.Force, false),
            DefaultTag => (Priority.Default, false),
            "tag:yaml.org,2002:str" => (null, true),
            _ => throw ConfigException.At(At(at), OptionPath.Root, $"unknown tag '{tag.Value}' (known: {ForceTag}, {DefaultTag})"),
        };

        private SourceLocation At(Mark mark) => new(display, (int)mark.Line, (int)mark.Column);

        private static string Kind(DefinitionNode node) => node switch
        {
            SequenceDefinition => "a list",
            ScalarDefinition s when s.AsBool() != null => "a bool",
            ScalarDefinition s when s.AsInt() != null => "an int",
            _ => "a string",
        };

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

        /// <summary>A list or mapping whose end has not been read yet.</summary>
        private sealed class Collection(bool isMapping, SourceLocation location, (Priority? Priority, bool ForcedString) tag, AnchorName anchor)
        {
            private readonly List<DefinitionNode> items = [];
            private readonly List<MappingEntry> entries = [];
            private readonly HashSet<string> keys = new(StringComparer.Ordinal);
            private ScalarDefinition? key;

            public AnchorName AnchorName => anchor;

            /// <summary>This node and all below it, aliases counted as what they stand for.</summary>
            public long Size { get; private set; } = 1;

            public bool ExpectsKey => isMapping && key == null;

            public void Add(DefinitionNode node, long size)
            {
                Size += size;
                if (!isMapping)
                {
                    items.Add(node);
                }
                else if (key == null)
                {
                    // A key that is an alias of a list or mapping is no plain name either.
                    key = node as ScalarDefinition ?? throw ConfigException.At(node.Location, OptionPath.Root, "a key must be a plain name");
                    if (!keys.Add(key.Text))
                    {
                        throw ConfigException.At(key.Location, OptionPath.Root, "YAML syntax: Duplicate key " + key.Text);
                    }
                }
                else
                {
                    entries.Add(new MappingEntry(key.Text, key.Location, node));
                    key = null;
                }
            }

            public DefinitionNode Build() => isMapping
                ? new MappingDefinition(entries, location, tag.Priority)
                : new SequenceDefinition(items, location, tag.Priority);
        }
    }
}
