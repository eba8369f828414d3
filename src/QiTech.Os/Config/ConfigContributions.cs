using System.Globalization;
using System.Text;

namespace QiTech.Os.Config;

/// <summary>
/// Definitions a module makes for other options (the service module adds its user, unit and
/// firewall port), merged with the files' by the same rules and named "module &lt;name&gt;" in errors.
/// </summary>
public sealed class ConfigContributions
{
    private readonly List<Definition> definitions = [];

    internal string ModuleName { get; set; } = "";

    public IReadOnlyList<Definition> Definitions => definitions;

    /// <summary>
    /// Defines a value at a dotted path of plain names. Values: bool, int, long, string, null,
    /// lists and string-keyed dictionaries of them (for names that hold dots, nest dictionaries).
    /// </summary>
    public void Set(string dottedPath, object? value, Priority priority = Priority.Normal)
    {
        var location = SourceLocation.Module(ModuleName);
        var node = ToNode(value, location, priority == Priority.Normal ? null : priority);
        foreach (var segment in OptionPath.Parse(dottedPath).Segments.Reverse())
        {
            node = new MappingDefinition([new MappingEntry(segment, location, node)], location);
        }
        definitions.Add(new Definition(node, Priority.Normal));
    }

    /// <summary>As <see cref="Set"/>, weaker than a plain value in a file (NixOS's mkDefault).</summary>
    public void SetDefault(string dottedPath, object? value) => Set(dottedPath, value, Priority.Default);

    // The priority goes on the leaves, as NixOS's mkDefault on a value: a mapping only says
    // where, so other definitions of the same set still merge with it.
    private static DefinitionNode ToNode(object? value, SourceLocation location, Priority? tag) => value switch
    {
        null => new ScalarDefinition("null", false, location, tag),
        bool b => new ScalarDefinition(b ? "true" : "false", false, location, tag),
        int i => new ScalarDefinition(i.ToString(CultureInfo.InvariantCulture), false, location, tag),
        long l => new ScalarDefinition(l.ToString(CultureInfo.InvariantCulture), false, location, tag),
        string s => new ScalarDefinition(s, true, location, tag),
        System.Collections.IDictionary d => new MappingDefinition(
            [.. d.Keys.Cast<string>().Order(StringComparer.Ordinal).Select(k => new MappingEntry(k, location, ToNode(d[k], location, tag)))], location),
        System.Collections.IEnumerable e => new SequenceDefinition([.. e.Cast<object?>().Select(v => ToNode(v, location, null))], location, tag),
        _ => throw new ArgumentException($"a module cannot define a {value.GetType().Name}", nameof(value)),
    };

    /// <summary>A canonical text of all definitions, to tell when another round changes nothing.</summary>
    internal static string Fingerprint(IEnumerable<Definition> definitions)
    {
        var sb = new StringBuilder();
        foreach (var d in definitions)
        {
            sb.Append((int)d.Priority).Append(' ');
            Dump(d.Node, sb);
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static void Dump(DefinitionNode node, StringBuilder sb)
    {
        switch (node)
        {
            case ScalarDefinition s:
                sb.Append((int?)s.Tag).Append(s.Quoted ? 'q' : 'p').Append(s.Text.Length).Append(':').Append(s.Text);
                break;
            case SequenceDefinition q:
                sb.Append((int?)q.Tag).Append('[');
                foreach (var item in q.Items)
                {
                    Dump(item, sb);
                    sb.Append(',');
                }
                sb.Append(']');
                break;
            case MappingDefinition m:
                sb.Append('{');
                foreach (var e in m.Entries)
                {
                    sb.Append(e.Key.Length).Append(':').Append(e.Key).Append('=');
                    Dump(e.Value, sb);
                    sb.Append(',');
                }
                sb.Append('}');
                break;
        }
    }
}
