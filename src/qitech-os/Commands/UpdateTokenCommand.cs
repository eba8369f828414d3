using System.CommandLine;
using QiTech.Os.Sources;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os update token set|clear</c>: the private source's access token. It is read
/// from stdin, never from the command line, where other users could see it, and belongs to
/// the https host of the source (<c>--source</c>, else the machine's): no other host gets it.
/// </summary>
public static class UpdateTokenCommand
{
    public static Command Create()
    {
        var set = new Command("set", "Store the access token read from stdin (root-only file), for the source's https host only");
        set.SetAction(parse =>
        {
            var layout = GlobalOptions.Layout(parse);
            var source = SourceSettings.Choose(layout, parse.GetValue(UpdateCommand.Source));
            new SourceTokenStore(layout).Set(Console.In.ReadToEnd(), source);
            Console.Out.WriteLine($"access token stored for {source.Origin}");
            return 0;
        });
        var clear = new Command("clear", "Forget the access token");
        clear.SetAction(parse =>
        {
            new SourceTokenStore(GlobalOptions.Layout(parse)).Clear();
            Console.Out.WriteLine("access token cleared");
            return 0;
        });
        return new Command("token", "Set or clear the access token of a private update source") { set, clear };
    }
}
