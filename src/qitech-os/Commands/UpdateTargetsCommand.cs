using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using QiTech.Os.Sources;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os update targets</c>: tags, branches and recent commits to update to.</summary>
public static class UpdateTargetsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array" };
        var commits = new Option<int>("--commits") { Description = "How many recent commits of the default branch", DefaultValueFactory = _ => GitSource.DefaultRecentCommits };
        var command = new Command("targets", "List the tags, branches and recent commits the machine can be updated to") { json, commits };
        command.SetAction(async (parse, cancel) =>
        {
            var layout = GlobalOptions.Layout(parse);
            var count = parse.GetValue(commits);
            if (count is < 0 or > GitSource.MaxRecentCommits)
            {
                throw new QiTech.Os.Errors.BadInputException($"--commits {count} must be between 0 and {GitSource.MaxRecentCommits}");
            }
            var source = GitSource.Open(layout, SourceSettings.Choose(layout, parse.GetValue(UpdateCommand.Source)));
            var targets = await source.ListTargetsAsync(count, cancel);
            if (parse.GetValue(json))
            {
                WriteJson(targets);
            }
            else
            {
                foreach (var t in targets)
                {
                    var mark = t.Refusal is not null ? "cannot be installed: " + t.Refusal : t.IsRunning ? "running" : t.OlderThanRunning ? "older" : "";
                    Console.Out.WriteLine(string.Join('\t', t.Kind.ToString().ToLowerInvariant(), t.Name, t.Commit.Short,
                        t.Date.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), mark, t.Subject));
                }
            }
            return 0;
        });
        return command;
    }

    private static void WriteJson(IReadOnlyList<UpdateTarget> targets)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var t in targets)
            {
                w.WriteStartObject();
                w.WriteString("kind", t.Kind.ToString().ToLowerInvariant());
                w.WriteString("name", t.Name);
                w.WriteString("commit", t.Commit.Hex);
                w.WriteString("date", t.Date.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));
                w.WriteString("subject", t.Subject);
                w.WriteBoolean("olderThanRunning", t.OlderThanRunning);
                w.WriteBoolean("running", t.IsRunning);
                w.WriteString("refusal", t.Refusal);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        stdout.WriteByte((byte)'\n');
    }
}
