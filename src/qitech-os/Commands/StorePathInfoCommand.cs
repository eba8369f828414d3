using System.CommandLine;
using System.Text.Json;
using QiTech.Os.Errors;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os store path-info [--json] [--closure] PATH…</c>.</summary>
public static class StorePathInfoCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "Store paths", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON (as nix path-info --json)" };
        var closure = new Option<bool>("--closure", "-r") { Description = "Include everything the paths refer to, transitively" };
        var command = new Command("path-info", "Show what the store knows of paths") { paths, json, closure };
        command.SetAction(parse =>
        {
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            var roots = parse.GetValue(paths)!.Select(store.ParsePath).ToList();
            foreach (var root in roots)
            {
                if (!store.IsValid(root))
                {
                    throw new BadInputException($"{store.Render(root)}: not a valid store path");
                }
            }
            var selected = parse.GetValue(closure) ? store.Closure(roots).Order().ToList() : roots;
            var infos = selected.Select(p => store.QueryPathInfo(p)!).ToList();
            if (parse.GetValue(json))
            {
                WriteJson(store, infos);
            }
            else
            {
                foreach (var info in infos)
                {
                    Console.Out.WriteLine($"{store.Render(info.Path)}\t{info.NarSize}\t{info.NarHash.ToBase32()}\t{info.References.Count} references");
                }
            }
            return 0;
        });
        return command;
    }

    private static void WriteJson(LocalStore store, IReadOnlyList<PathInfo> infos)
    {
        using var stdout = Console.OpenStandardOutput();
        using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        w.WriteStartArray();
        foreach (var info in infos)
        {
            w.WriteStartObject();
            w.WriteString("path", store.Render(info.Path));
            w.WriteString("narHash", "sha256:" + info.NarHash.ToBase32());
            w.WriteNumber("narSize", info.NarSize);
            w.WriteStartArray("references");
            foreach (var r in info.References)
            {
                w.WriteStringValue(store.Render(r));
            }
            w.WriteEndArray();
            if (info.Deriver is { } deriver)
            {
                w.WriteString("deriver", store.Render(deriver));
            }
            w.WriteNumber("registrationTime", info.RegistrationTime.ToUnixTimeSeconds());
            if (info.ContentAddress != null)
            {
                w.WriteString("ca", info.ContentAddress);
            }
            w.WriteStartArray("signatures");
            foreach (var s in info.Signatures)
            {
                w.WriteStringValue(s);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.Flush();
        stdout.WriteByte((byte)'\n');
    }
}
