using System.CommandLine;
using QiTech.Os.Cli.Operations;
using QiTech.Os.Contract;
using QiTech.Os.Sources;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os update source [URL]</c>: shows the machine's update source, or sets it after git
/// reached it (through the operations seam: the daemon when it runs). A source git cannot reach is refused, nothing saved.
/// </summary>
public static class UpdateSourceCommand
{
    public static Command Create()
    {
        var url = new Argument<string?>("URL") { Description = "Git URL (https, ssh, or a local path) to store as the machine's source", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("source", "Show the machine's update source, or check and store a new one") { url };
        command.SetAction(async (parse, cancel) =>
        {
            using var operations = SystemOperations.Open(parse);
            if (parse.GetValue(url) is not { } given)
            {
                var stored = (await operations.UpdateSourceAsync(cancel)).Url;
                Console.Out.WriteLine(stored ?? "none stored (updates use the running configuration's system.update.source, else the URL the system was built from)");
                return 0;
            }
            var answer = await operations.SetUpdateSourceAsync(SourceUrl.ParseInput(given, "URL"), cancel);
            Console.Out.WriteLine($"update source stored: {answer.Url}");
            if (answer.TokenCleared)
            {
                Console.Error.WriteLine("the access token was cleared: it belonged to another origin");
            }
            if (answer.Check != null)
            {
                Console.Error.WriteLine($"note: {answer.Check}");
            }
            return 0;
        });
        return command;
    }
}
