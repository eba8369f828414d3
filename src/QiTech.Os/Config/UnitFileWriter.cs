using System.Text;
using System.Text.RegularExpressions;

namespace QiTech.Os.Config;

/// <summary>
/// Writes systemd's INI-like files (units, and drop-ins of system.conf and logind.conf):
/// sections in the order given, keys in the order added, one line per value. What systemd
/// would read differently from what was meant is refused at the option that defined it:
/// a key that is not a plain name (an <c>=</c> would move the split), a line break or other
/// control character, and a value ending in a backslash (systemd joins the next line to it,
/// so a following <c>User=</c> would become part of an <c>ExecStart=</c>). Values are
/// systemd syntax, as in NixOS: specifiers (<c>%i</c>) and quotes keep their meaning; data
/// that must stay literal goes through <see cref="EnvironmentAssignment"/> or <see cref="EscapeSpecifiers"/>.
/// </summary>
public sealed class UnitFileWriter
{
    private static readonly Regex KeyPattern = new("^[A-Za-z][A-Za-z0-9_-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex SectionPattern = new("^[A-Za-z][A-Za-z0-9_-]*$", RegexOptions.CultureInvariant);

    private readonly StringBuilder text = new();
    private readonly Func<OptionPath, SourceLocation> locate;
    private readonly OptionPath optionPath;
    private bool any;

    /// <param name="config">Where values were defined, for errors at the offending option.</param>
    /// <param name="optionPath">The option the file is made from.</param>
    /// <param name="specifiers">True for unit files, whose values systemd expands %-specifiers in; false for manager and logind drop-ins.</param>
    public UnitFileWriter(EvaluatedConfig config, OptionPath optionPath, bool specifiers = true)
        : this(config.LocationOf, optionPath, specifiers)
    {
    }

    /// <summary>A writer whose errors all point at one place.</summary>
    public UnitFileWriter(SourceLocation origin, OptionPath optionPath, bool specifiers = true)
        : this(_ => origin, optionPath, specifiers)
    {
    }

    private UnitFileWriter(Func<OptionPath, SourceLocation> locate, OptionPath optionPath, bool specifiers)
    {
        this.locate = locate;
        this.optionPath = optionPath;
        Specifiers = specifiers;
    }

    /// <summary>True when systemd expands %-specifiers in this file's values.</summary>
    public bool Specifiers { get; }

    public UnitFileWriter Comment(string comment)
    {
        text.Append("# ").Append(comment.ReplaceLineEndings(" ")).Append('\n');
        return this;
    }

    /// <param name="at">The option that named the section, when a user did.</param>
    public UnitFileWriter Section(string name, OptionPath? at = null)
    {
        if (!SectionPattern.IsMatch(name))
        {
            throw Refused(at, $"'{Printable(name)}' is not a section name (letters, digits, '-' and '_')");
        }
        if (any)
        {
            text.Append('\n');
        }
        text.Append('[').Append(name).Append("]\n");
        any = true;
        return this;
    }

    /// <param name="at">The option the value comes from (its place is named in errors); the file's option when null.</param>
    public UnitFileWriter Line(string key, string value, OptionPath? at = null)
    {
        if (!KeyPattern.IsMatch(key))
        {
            throw Refused(at, $"'{Printable(key)}' is not a setting name (letters, digits, '-' and '_')");
        }
        if (ValueProblem(value) is { } problem)
        {
            throw Refused(at, $"setting {key} {problem}");
        }
        text.Append(key).Append('=').Append(value).Append('\n');
        return this;
    }

    public UnitFileWriter Lines(string key, IEnumerable<string> values, OptionPath? at = null)
    {
        foreach (var v in values)
        {
            Line(key, v, at);
        }
        return this;
    }

    /// <summary>A key=value setting whose value may be a list (one line each).</summary>
    public UnitFileWriter Setting(string key, object? value, OptionPath? at = null)
    {
        if (value is IReadOnlyList<object?> list)
        {
            return Lines(key, list.Select(Types.ScalarValueType.Render), at);
        }
        return Line(key, Types.ScalarValueType.Render(value), at);
    }

    /// <summary>One <c>Environment=</c> (or <c>DefaultEnvironment=</c>) word that systemd reads back as exactly NAME=value.</summary>
    public UnitFileWriter Environment(string key, string name, string value, OptionPath at)
    {
        if (!EnvironmentNamePattern.IsMatch(name))
        {
            throw Refused(at, $"'{Printable(name)}' is not a variable name (letters, digits and '_', not starting with a digit)");
        }
        if (TextChecks.ControlCharacter(value) is { } control)
        {
            throw Refused(at, $"the value holds {control}");
        }
        return Line(key, EnvironmentAssignment(name, value, Specifiers), at);
    }

    /// <summary>The names a variable may have in every file it is written to.</summary>
    public static readonly Regex EnvironmentNamePattern = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Quotes one assignment for systemd, which unquotes it and undoes C escapes: backslash
    /// and double quote escaped, and in unit files also '%' (or it would be a specifier).
    /// </summary>
    public static string EnvironmentAssignment(string name, string value, bool specifiers = true)
    {
        var escaped = (name + "=" + value).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        return "\"" + (specifiers ? EscapeSpecifiers(escaped) : escaped) + "\"";
    }

    /// <summary>Text that must reach a unit's program as written: every '%' doubled, so systemd expands no specifier.</summary>
    public static string EscapeSpecifiers(string text) => text.Replace("%", "%%", StringComparison.Ordinal);

    /// <summary>Why systemd would not read the value back as one setting, or null.</summary>
    public static string? ValueProblem(string value)
    {
        if (value.Contains('\n') || value.Contains('\r'))
        {
            return "must be one line";
        }
        if (TextChecks.ControlCharacter(value) is { } control)
        {
            return "holds " + control;
        }
        // systemd strips the line, then an unescaped backslash at its end joins the next line.
        var trimmed = value.TrimEnd(' ', '\t');
        var backslashes = trimmed.Length - trimmed.TrimEnd('\\').Length;
        return backslashes % 2 == 1 ? "ends with a backslash, which would join the next line to it" : null;
    }

    private ConfigException Refused(OptionPath? at, string cause) => ConfigException.At(locate(at ?? optionPath), at ?? optionPath, cause);

    private static string Printable(string text) => TextChecks.Printable(text);

    public override string ToString() => text.ToString();
}
