using System.Globalization;

namespace QiTech.Os.Config;

/// <summary>Shows an evaluated value in one short line, for messages and docs.</summary>
public static class ValueText
{
    public static string Show(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        string s => "'" + s.Replace("\n", "\\n", StringComparison.Ordinal) + "'",
        LocalPath p => "'" + p.FullPath + "'",
        IReadOnlyList<object?> list => "[" + string.Join(", ", list.Select(Show)) + "]",
        IReadOnlyDictionary<string, object?> set => "{" + string.Join(", ", set.Select(kv => kv.Key + ": " + Show(kv.Value))) + "}",
        _ => value.ToString() ?? "",
    };
}
