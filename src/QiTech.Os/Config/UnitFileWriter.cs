using System.Text;

namespace QiTech.Os.Config;

/// <summary>
/// Writes systemd unit files and other INI-like files: sections in the order given, keys in
/// the order added, one line per value. A value holding a newline could inject settings, so
/// it is refused at the place that defined it.
/// </summary>
public sealed class UnitFileWriter(SourceLocation origin, OptionPath optionPath)
{
    private readonly StringBuilder text = new();
    private bool any;

    public UnitFileWriter Comment(string comment)
    {
        text.Append("# ").Append(comment).Append('\n');
        return this;
    }

    public UnitFileWriter Section(string name)
    {
        if (any)
        {
            text.Append('\n');
        }
        text.Append('[').Append(name).Append("]\n");
        any = true;
        return this;
    }

    public UnitFileWriter Line(string key, string value)
    {
        if (value.Contains('\n') || value.Contains('\r') || key.Contains('\n') || key.Contains('='))
        {
            throw ConfigException.At(origin, optionPath, $"setting {key} must be one line");
        }
        text.Append(key).Append('=').Append(value).Append('\n');
        return this;
    }

    public UnitFileWriter Lines(string key, IEnumerable<string> values)
    {
        foreach (var v in values)
        {
            Line(key, v);
        }
        return this;
    }

    /// <summary>A key=value setting whose value may be a list (one line each).</summary>
    public UnitFileWriter Setting(string key, object? value)
    {
        if (value is IReadOnlyList<object?> list)
        {
            return Lines(key, list.Select(Types.ScalarValueType.Render));
        }
        return Line(key, Types.ScalarValueType.Render(value));
    }

    /// <summary>Quotes one Environment= assignment: specifiers and quotes escaped.</summary>
    public static string EnvironmentAssignment(string name, string value) =>
        "\"" + (name + "=" + value).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("%", "%%", StringComparison.Ordinal) + "\"";

    public override string ToString() => text.ToString();
}
