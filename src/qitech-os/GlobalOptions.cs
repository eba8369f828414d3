using System.CommandLine;
using QiTech.Os.Store;

namespace QiTech.Os.Cli;

/// <summary>Options every command understands: where the system root and the store are.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Root = new("--root")
    {
        Description = "System root to work on, absolute or relative to the working folder (default: $QITECH_ROOT, else /)",
        Recursive = true,
    };

    public static readonly Option<string?> StoreDir = new("--store-dir")
    {
        Description = "Logical store directory (default: /qitech/store)",
        Recursive = true,
    };

    public static readonly Option<bool> Debug = new("--debug")
    {
        Description = "On an unexpected error, print its stack trace too",
        Recursive = true,
    };

    public static SystemLayout Layout(ParseResult parse)
    {
        var root = parse.GetValue(Root);
        if (root is { Length: > 0 } && !root.StartsWith('/'))
        {
            // A root named on the command line is the operator's own folder: relative to where they stand.
            root = Path.GetFullPath(root);
        }
        try
        {
            return SystemLayout.FromOptions(root, parse.GetValue(StoreDir));
        }
        catch (ArgumentException e)
        {
            throw new QiTech.Os.Errors.BadInputException(e.ParamName == null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
        }
    }
}
