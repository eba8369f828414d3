using System.CommandLine;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os boot-entries</c>: (re)writes the Boot Loader Specification entries and the default.</summary>
public static class BootEntriesCommand
{
    public static Command Create()
    {
        var command = new Command("boot-entries", "Write a boot loader entry per generation and the default (switch and boot keep them current)");
        command.SetAction(async (parse, cancel) =>
        {
            using var session = await SystemSession.OpenAsync(parse, cancel);
            foreach (var file in session.Manager.WriteBootEntries())
            {
                Console.Out.WriteLine(file);
            }
            return 0;
        });
        return command;
    }
}
