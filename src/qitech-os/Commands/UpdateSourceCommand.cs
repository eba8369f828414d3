using System.CommandLine;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Sources;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os update source [URL]</c>: shows the machine's update source, or sets it after git
/// reached it (through the daemon when it runs). A source git cannot reach is refused, nothing saved.
/// </summary>
public static class UpdateSourceCommand
{
    public static Command Create()
    {
        var url = new Argument<string?>("URL") { Description = "Git URL (https, ssh, or a local path) to store as the machine's source", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("source", "Show the machine's update source, or check and store a new one") { url };
        command.SetAction(async (parse, cancel) =>
        {
            var layout = GlobalOptions.Layout(parse);
            using var daemon = DaemonClient.TryConnect(layout);
            if (parse.GetValue(url) is not { } given)
            {
                var stored = daemon != null ? (await daemon.UpdateSourceAsync(cancel)).Url : SourceChange.Stored(layout);
                Console.Out.WriteLine(stored ?? "none stored (updates use the running configuration's system.update.source, else the URL the system was built from)");
                return 0;
            }
            var input = SourceUrl.ParseInput(given, "URL");
            SourceJson answer;
            if (daemon != null)
            {
                answer = await daemon.SetUpdateSourceAsync(input.Url, cancel);
            }
            else
            {
                var change = await SourceChange.ApplyAsync(layout, input, cancel);
                answer = new SourceJson(change.Url.Url, new SourceTokenStore(layout).HasToken, change.TokenCleared, change.Check);
            }
            var (saved, cleared, check) = (answer.Url, answer.TokenCleared, answer.Check);
            Console.Out.WriteLine($"update source stored: {saved}");
            if (cleared)
            {
                Console.Error.WriteLine("the access token was cleared: it belonged to another origin");
            }
            if (check != null)
            {
                Console.Error.WriteLine($"note: {check}");
            }
            return 0;
        });
        return command;
    }
}
