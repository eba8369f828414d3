using System.Text;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>environment.variables</c> → <c>etc/environment</c> (every login session, via pam_env)
/// and <c>etc/systemd/system.conf.d/qitech-environment.conf</c> (every service);
/// <c>environment.etc.&lt;path&gt;</c> → <c>etc/&lt;path&gt;</c>, from text or from a local file
/// (linked to its store path, as NixOS does).
/// </summary>
public sealed class EnvironmentModule : IConfigModule
{
    public const string VariableNamePattern = "^[A-Za-z_][A-Za-z0-9_]*$";
    private static readonly OptionPath Variables = OptionPath.Parse("environment.variables");
    private static readonly OptionPath Etc = OptionPath.Parse("environment.etc");

    public string Name => "environment";

    public void Declare(OptionSet options)
    {
        options.Declare("environment.variables", AttrsOf(Scalar), EmptySet,
            "Environment variables of every login session and every service. A value cannot hold '#', '$' or a single quote: /etc/environment, which login sessions read, has no escape for them.",
            "{ RUST_LOG: info }");
        options.Declare("environment.etc", AttrsOf(Submodule(e => e
            .Declare("enable", Bool, true, "Whether the file is put into /etc.")
            .Declare("text", NullOr(Lines), null, "The file's contents.")
            .Declare("source", NullOr(LocalFile), null, "A file beside the configuration to link to (it goes into the store).")
            .Declare("mode", Matching("^(symlink|0?[0-7]{3})$", "symlink or an octal mode such as 0644"), "symlink",
                "symlink (a link into the store), or a mode such as 0644 or 0755 for a copy."))),
            EmptySet, "Files in /etc, by path below /etc.", "{ \"qitech/motd\": { text: \"Welcome\" } }");
    }

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        foreach (var name in config.Set("environment.variables").Keys)
        {
            checks.Assert(System.Text.RegularExpressions.Regex.IsMatch(name, VariableNamePattern), Variables.Append(name),
                $"'{name}' is not a valid variable name");
        }
        foreach (var (name, file) in config.Set("environment.etc").Entries())
        {
            var path = Etc.Append(name);
            checks.Assert(SystemTree.IsSafeRelative(name), path, $"'{name}' must be a relative path without '.' or '..'");
            if (file.Bool("enable"))
            {
                checks.Assert(file["text"] is null ^ file["source"] is null, path, "set exactly one of text and source");
            }
        }
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        RenderVariables(config, tree);
        foreach (var (name, file) in config.Set("environment.etc").Entries())
        {
            if (!file.Bool("enable"))
            {
                continue;
            }
            var path = Etc.Append(name);
            var origin = config.LocationOf(path);
            var mode = file.Str("mode")!;
            var executable = mode != "symlink" && (Convert.ToInt32(mode, 8) & 0x40) != 0;
            if (file.Str("text") is { } text)
            {
                tree.AddFile("etc/" + name, text.EndsWith('\n') || text.Length == 0 ? text : text + "\n", origin, path, executable);
            }
            else if (file["source"] is LocalPath source)
            {
                if (mode == "symlink")
                {
                    tree.AddSymlink("etc/" + name, tree.StorePathOf(source), origin, path);
                }
                else if (File.Exists(source.FullPath))
                {
                    tree.AddFile("etc/" + name, File.ReadAllText(source.FullPath), origin, path, executable);
                }
                else
                {
                    throw ConfigException.At(origin, path.Append("mode"), "a directory can only be linked (mode: symlink)");
                }
            }
        }
    }

    private static void RenderVariables(EvaluatedConfig config, SystemTree tree)
    {
        var variables = config.Set("environment.variables");
        if (variables.Count == 0)
        {
            return;
        }
        var origin = config.LocationOf(Variables);
        var pamEnv = new StringBuilder("# Generated from environment.variables\n");
        // system.conf expands no specifiers: only quotes and backslashes are escaped.
        var manager = new UnitFileWriter(config, Variables, specifiers: false).Comment("Generated from environment.variables").Section("Manager");
        foreach (var (name, value) in variables)
        {
            var text = Types.ScalarValueType.Render(value);
            var at = Variables.Append(name);
            if (LoginSessionProblem(text) is { } problem)
            {
                throw ConfigException.At(config.LocationOf(at), at, problem);
            }
            pamEnv.Append(name).Append("='").Append(text).Append("'\n");
            manager.Environment("DefaultEnvironment", name, text, at);
        }
        tree.AddFile("etc/environment", pamEnv.ToString(), origin, Variables);
        tree.AddFile("etc/systemd/system.conf.d/qitech-environment.conf", manager.ToString(), origin, Variables);
    }

    /// <summary>
    /// Why a value cannot be written to /etc/environment, or null. pam_env reads it with no
    /// escapes at all (a '#' ends the value wherever it stands) and systemd's environment.d reads
    /// the same file expanding '$'; single quotes keep everything else literal for both.
    /// </summary>
    public static string? LoginSessionProblem(string value) =>
        value.Contains('\n') || value.Contains('\r') ? "a variable must be one line"
        : TextChecks.ControlCharacter(value) is { } control ? "a variable cannot hold " + control
        : value.IndexOfAny(['#', '$', '\'']) is var i and >= 0 ? $"a variable cannot hold '{value[i]}': /etc/environment has no escape for it"
        : null;
}
