using System.CommandLine;
using System.Globalization;
using QiTech.Os.Contract;
using QiTech.Os.Generations;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os list-generations [--json]</c>: every generation with its version (with the ref and
/// commit an update installed it from: "feature/x = v1.2 (abc1234)"), flags and own disk cost.
/// </summary>
public static class ListGenerationsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (as the daemon API's Generation objects)" };
        var command = new Command("list-generations", "List the system's generations") { json };
        command.SetAction(async (parse, cancel) =>
        {
            using var session = await SystemSession.OpenAsync(parse, cancel);
            var generations = session.Manager.ListGenerations(withDiskCost: true);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(GenerationJson.Serialize(generations, session.Manager.Layout.StoreDir));
                return 0;
            }
            if (generations.Count == 0)
            {
                Console.Out.WriteLine("no generations yet");
                return 0;
            }
            Console.Out.WriteLine($"{"GEN",5}  {"DATE",-16}  {"VERSION",-32}  {"COMMIT",-12}  {"OWN SIZE",10}  STATE");
            foreach (var g in generations)
            {
                var flags = new List<string>();
                if (g.Current)
                {
                    flags.Add("current");
                }
                if (g.Booted)
                {
                    flags.Add("booted");
                }
                if (g.BootDefault)
                {
                    flags.Add("default");
                }
                if (g.KnownGood)
                {
                    flags.Add("known-good");
                }
                if (g.Failure != null)
                {
                    flags.Add("failed");
                }
                var commit = g.Version.Commit is { } c ? c[..Math.Min(12, c.Length)] : "-";
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{g.Number,5}  {g.Created.UtcDateTime,-16:yyyy-MM-dd HH:mm}  {Truncate(g.Label, 32),-32}  {commit,-12}  {Size(g.DiskCostBytes ?? 0),10}  {string.Join(',', flags)}"));
            }
            foreach (var g in generations.Where(g => g.Failure != null))
            {
                Console.Out.WriteLine($"generation {g.Number} ({g.Name}) did not start correctly: {g.Failure}");
            }
            if (session.Manager.Fallback() is { } fallback)
            {
                Console.Out.WriteLine($"this boot fell back from generation {fallback.From} to generation {fallback.To}: {fallback.Reason}");
            }
            return 0;
        });
        return command;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>Binary units, one decimal, as people read disk sizes.</summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
