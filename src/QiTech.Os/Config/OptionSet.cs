using System.Text.Json.Nodes;

namespace QiTech.Os.Config;

/// <summary>
/// A tree of declared options: names map to options or to nested sets (namespaces such as
/// <c>services</c>). The whole configuration is one, and so is each submodule.
/// </summary>
public sealed class OptionSet
{
    private readonly SortedDictionary<string, object> children = new(StringComparer.Ordinal);

    /// <summary>Each child is an <see cref="OptionDeclaration"/> or a nested <see cref="OptionSet"/>.</summary>
    public IReadOnlyDictionary<string, object> Children => children;

    /// <summary>Declares an option at a dotted path below this set.</summary>
    public OptionSet Declare(string dottedPath, OptionType type, object? defaultValue, string description, string? example = null)
    {
        var path = OptionPath.Parse(dottedPath);
        var set = this;
        foreach (var segment in path.Segments[..^1])
        {
            if (!set.children.TryGetValue(segment, out var child))
            {
                set.children[segment] = child = new OptionSet();
            }
            set = child as OptionSet ?? throw new InvalidOperationException($"option {dottedPath} is declared inside option {segment}");
        }
        if (set.children.ContainsKey(path.Last))
        {
            throw new InvalidOperationException($"option {dottedPath} is declared twice");
        }
        set.children[path.Last] = new OptionDeclaration(path.Last, type, defaultValue, description, example);
        return this;
    }

    /// <summary>Every option below this set with its path, in order.</summary>
    public IEnumerable<(OptionPath Path, OptionDeclaration Option)> All(OptionPath prefix)
    {
        foreach (var (name, child) in children)
        {
            if (child is OptionDeclaration option)
            {
                yield return (prefix.Append(name), option);
            }
            else
            {
                foreach (var nested in ((OptionSet)child).All(prefix.Append(name)))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>
    /// Merges the definitions of this set (mappings; a null counts as empty) into a value per
    /// option, defaults where nothing is defined.
    /// </summary>
    public SortedDictionary<string, object?> Evaluate(OptionPath path, IReadOnlyList<Definition> definitions, MergeContext context)
    {
        var byName = new Dictionary<string, List<Definition>>(StringComparer.Ordinal);
        foreach (var d in definitions)
        {
            if (d.Node is ScalarDefinition { IsNull: true })
            {
                continue;
            }
            if (d.Node is not MappingDefinition map)
            {
                throw ConfigException.WrongType(d.Location, path, "a set of options", d.Node.Describe());
            }
            context.Record(path, d.Location);
            foreach (var entry in map.Entries)
            {
                if (!children.ContainsKey(entry.Key))
                {
                    throw ConfigException.UnknownOption(entry.KeyLocation, path.Append(entry.Key), children.Keys);
                }
                if (!byName.TryGetValue(entry.Key, out var list))
                {
                    byName[entry.Key] = list = [];
                }
                list.Add(d.Child(entry.Value));
                if (children[entry.Key] is OptionSet)
                {
                    context.Record(path.Append(entry.Key), entry.KeyLocation);
                }
            }
        }
        var result = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, child) in children)
        {
            var childPath = path.Append(name);
            var defs = byName.GetValueOrDefault(name) ?? [];
            result[name] = child switch
            {
                OptionSet nested => nested.Evaluate(childPath, defs, context),
                OptionDeclaration option when defs.Count == 0 => option.Default,
                OptionDeclaration option => option.Type.Merge(childPath, Definition.Strongest(defs), context),
                _ => throw new InvalidOperationException(),
            };
        }
        return result;
    }

    /// <summary>The JSON Schema of a YAML mapping of these options.</summary>
    public JsonObject JsonSchema()
    {
        var properties = new JsonObject();
        foreach (var (name, child) in children)
        {
            if (child is OptionDeclaration option)
            {
                var schema = option.Type.JsonSchema();
                schema["description"] = option.Description;
                var defaultJson = ConfigJson.ToJson(option.Default);
                if (defaultJson != null || option.Default == null && option.Type is Types.NullOrType)
                {
                    schema["default"] = defaultJson;
                }
                properties[name] = schema;
            }
            else
            {
                var nested = ((OptionSet)child).JsonSchema();
                properties[name] = new JsonObject
                {
                    ["anyOf"] = new JsonArray(nested, new JsonObject { ["type"] = "null" }),
                };
            }
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
    }
}
