using System.CommandLine;
using QiTech.Os.Config;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os options [--json-schema]</c>: every configuration option, for people or for editors.</summary>
public static class OptionsCommand
{
    public static Command Create()
    {
        var schema = new Option<bool>("--json-schema") { Description = "Print a JSON Schema of configuration files instead of Markdown" };
        var command = new Command("options", "Print every configuration option with its type, default and description") { schema };
        command.SetAction(parse =>
        {
            var options = ConfigEvaluator.Default.Options;
            Console.Out.Write(parse.GetValue(schema)
                ? ConfigJson.Write(OptionsDocument.JsonSchema(options))
                : OptionsDocument.Markdown(options));
            return 0;
        });
        return command;
    }
}
