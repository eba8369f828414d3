using System.CommandLine;
using QiTech.Os.Platform;

namespace QiTech.Os.Cli;

/// <summary>Options every command understands: where the system root and the store are.</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Root = new("--root")
    {
        Description = "System root to work on (default: $QITECH_ROOT, else /)",
        Recursive = true,
    };

    public static readonly Option<string?> StoreDir = new("--store-dir")
    {
        Description = "Logical store directory (default: /qitech/store)",
        Recursive = true,
    };

    public static SystemLayout Layout(ParseResult parse)
    {
        try
        {
            return SystemLayout.FromOptions(parse.GetValue(Root), parse.GetValue(StoreDir));
        }
        catch (ArgumentException e)
        {
            throw new QiTech.Os.Errors.BadInputException(e.Message);
        }
    }
}
