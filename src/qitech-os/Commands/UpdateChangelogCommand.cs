using System.CommandLine;
using QiTech.Os.Sources;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os update changelog REF</c>: what changed between the running version and REF.</summary>
public static class UpdateChangelogCommand
{
    public static Command Create()
    {
        var reference = new Argument<string>("REF") { Description = "Tag, branch or commit" };
        var command = new Command("changelog", "Show the CHANGELOG at REF, else the commits since the running version") { reference };
        command.SetAction(async (parse, cancel) =>
        {
            var layout = GlobalOptions.Layout(parse);
            var name = GitRefName.ParseInput(parse.GetValue(reference), "REF");
            var source = GitSource.Open(layout, SourceSettings.Choose(layout, parse.GetValue(UpdateCommand.Source)));
            var changelog = await source.ChangelogAsync(name, cancel);
            Console.Out.Write(changelog.Text);
            if (!changelog.Text.EndsWith('\n') && changelog.Text.Length > 0)
            {
                Console.Out.WriteLine();
            }
            return 0;
        });
        return command;
    }
}
