using System.Globalization;
using System.Text;
using QiTech.Os.Generations;
using QiTech.Os.Platform;
using QiTech.Os.Sources;
using QiTech.Os.Store;

namespace QiTech.Os.Activation;

/// <summary>
/// Boot Loader Specification type 1 entries, one per generation
/// (<c>R/boot/loader/entries/qitech-&lt;N&gt;.conf</c>), and the default in
/// <c>R/boot/loader/loader.conf</c>. The kernel and initrd come from the system when it has
/// <c>kernel</c>/<c>initrd</c> (copied once to <c>R/boot/qitech/</c>, as boot partitions cannot
/// read the store), else the host's newest <c>/boot/vmlinuz-*</c>. Options are the system's
/// <c>kernel-params</c> plus <c>qitech.system=</c>, which tells early boot what to link as
/// <c>/run/booted-system</c>. Entries of deleted generations are removed. A new entry carries
/// systemd-boot's boot counter (<c>qitech-N+3.conf</c>, <see cref="BootCounter"/>). Which entry
/// boots by default is each entry's <c>sort-key</c> (<see cref="BootRanking"/>) under loader.conf's
/// <c>default qitech-*</c>: Debian 12's systemd-boot names an entry by its whole file name, counter
/// included, so no fixed name could follow an entry as its counter changes.
/// </summary>
public sealed class BootEntries(SystemLayout layout)
{
    public string EntriesDir => layout.BootDir + "/loader/entries";

    public string LoaderConf => layout.BootDir + "/loader/loader.conf";

    /// <summary>The entry's path by its id, without a boot counter (the name loader.conf and bootctl use).</summary>
    public string EntryPath(GenerationNumber number) => $"{EntriesDir}/qitech-{number}.conf";

    /// <summary>The generations that have an entry now.</summary>
    public IReadOnlyList<GenerationNumber> Numbers() => Entries().Keys.ToList();

    /// <summary>The entry file of <paramref name="number"/> as it is named now (with its boot counter), or null.</summary>
    public string? FindEntry(GenerationNumber number) =>
        Entries().TryGetValue(number, out var entry) ? $"{EntriesDir}/{BootCounter.FileName(number, entry)}" : null;

    /// <summary>The boot counter of <paramref name="number"/>'s entry; null when it has none (good) or no entry.</summary>
    public BootCounter? Counter(GenerationNumber number) => Entries().TryGetValue(number, out var counter) ? counter : null;

    /// <summary>
    /// Counts a boot of <paramref name="number"/> as systemd-boot does before it starts an entry:
    /// <c>+3</c> becomes <c>+2-1</c> (renamed durably). Returns the new counter; null when the entry
    /// is not counted (good) or missing.
    /// </summary>
    public BootCounter? CountDown(GenerationNumber number) =>
        Counter(number) is { } counter ? Rename(number, counter, counter.CountedDown) : null;

    /// <summary>Marks the entry good, as <c>systemd-bless-boot</c> does: the counter leaves its name.</summary>
    public void Bless(GenerationNumber number)
    {
        if (Counter(number) is { } counter)
        {
            Rename(number, counter, null);
        }
    }

    private BootCounter? Rename(GenerationNumber number, BootCounter from, BootCounter? to)
    {
        EspFile.Move($"{EntriesDir}/{BootCounter.FileName(number, from)}", $"{EntriesDir}/{BootCounter.FileName(number, to)}");
        return to;
    }

    /// <summary>Our entries by generation, with their counters (null: not counted).</summary>
    private Dictionary<GenerationNumber, BootCounter?> Entries()
    {
        var result = new Dictionary<GenerationNumber, BootCounter?>();
        if (Directory.Exists(EntriesDir))
        {
            foreach (var file in Directory.EnumerateFiles(EntriesDir, "qitech-*.conf"))
            {
                if (BootCounter.TryParseFileName(Path.GetFileName(file), out var number, out var counter))
                {
                    result[number] = counter;
                }
            }
        }
        return result;
    }

    /// <summary>The pattern loader.conf's <c>default</c> line names: the first of our entries in the loader's order.</summary>
    public const string DefaultPattern = "qitech-*";

    /// <summary>
    /// Writes every entry, ranked, and the default line; returns the entry files written. Each
    /// change is made durable before the next, never batched: the ESP is FAT, where a later
    /// file's sync writes the allocation table, clusters a replaced entry freed included, while
    /// the directory still names that entry. A power cut in between left entries whose data
    /// was gone, and a loader with nothing to boot.
    /// </summary>
    public IReadOnlyList<string> Write(IReadOnlyList<(GenerationLink Link, SystemClosure? Closure)> generations, BootRanking ranking)
    {
        Directory.CreateDirectory(EntriesDir);
        var written = new List<string>();
        var kernelsInUse = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (link, closure) in generations)
        {
            // An entry keeps its boot counter; a new one starts counting (systemd-boot's "+3").
            var path = FindEntry(link.Number) ?? $"{EntriesDir}/{BootCounter.FileName(link.Number, BootCounter.New)}";
            var text = Entry(link, closure, ranking.SortKey(link.Number), kernelsInUse);
            if (!File.Exists(path) || File.ReadAllText(path) != text)
            {
                EspFile.Write(path, text);
            }
            written.Add(path);
        }
        var keep = generations.Select(g => g.Link.Number.Value).ToHashSet();
        foreach (var file in Directory.EnumerateFiles(EntriesDir, "qitech-*.conf"))
        {
            if (BootCounter.TryParseFileName(Path.GetFileName(file), out var number, out _) && !keep.Contains(number.Value))
            {
                File.Delete(file);
                Posix.FsyncDirectory(EntriesDir);
            }
        }
        RemoveUnusedKernels(kernelsInUse);
        WriteDefault(generations.Count > 0);
        return written;
    }

    /// <summary>
    /// The generation systemd-boot takes with no one-shot choice: the entries in its order
    /// (no tries left last, then by sort-key, then newest version first) and the first one.
    /// The embedded boot uses it, so folder roots pass over a failed entry as the loader does.
    /// </summary>
    public GenerationNumber? LoaderChoice(Func<GenerationNumber, bool>? skip = null) =>
        LoaderOrder().Where(n => skip == null || !skip(n)).Cast<GenerationNumber?>().FirstOrDefault();

    /// <summary>Our entries in systemd-boot's order.</summary>
    public IReadOnlyList<GenerationNumber> LoaderOrder() =>
        Entries()
            .Select(e => (Number: e.Key, Bad: e.Value is { IsBad: true }, SortKey: SortKeyOf($"{EntriesDir}/{BootCounter.FileName(e.Key, e.Value)}") ?? "\uffff"))
            .OrderBy(e => e.Bad)
            .ThenBy(e => e.SortKey, StringComparer.Ordinal)
            .ThenByDescending(e => e.Number.Value)
            .Select(e => e.Number)
            .ToList();

    private static string? SortKeyOf(string entryPath) =>
        File.ReadLines(entryPath)
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("sort-key ", StringComparison.Ordinal))
            .Select(l => l["sort-key ".Length..].Trim())
            .FirstOrDefault();

    private string Entry(GenerationLink link, SystemClosure? closure, string sortKey, HashSet<string> kernelsInUse)
    {
        var release = closure?.Version() ?? VersionInfo.Unknown;
        var date = link.Created.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"title QiTech Control OS, generation {link.Number} ({release.Label()}, {date})\n");
        text.Append(CultureInfo.InvariantCulture, $"version {link.Number} {release.Label()}\n");
        text.Append(CultureInfo.InvariantCulture, $"sort-key {sortKey}\n");
        var (linux, initrd) = Kernel(link, closure, kernelsInUse);
        if (linux != null)
        {
            text.Append(CultureInfo.InvariantCulture, $"linux {linux}\n");
        }
        if (initrd != null)
        {
            text.Append(CultureInfo.InvariantCulture, $"initrd {initrd}\n");
        }
        text.Append("options ").Append(string.Join(' ', Options(link, closure))).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// The kernel command line. A whole-OS system (one with a stage-2 <c>init</c>) boots its own
    /// init on the machine's root (<c>root=</c> from <see cref="SystemLayout.RootDeviceFile"/>),
    /// with systemd's status shown and the serial console last, so that it gets the status
    /// lines and a login prompt too; then the system's own parameters and <c>qitech.system=</c>.
    /// </summary>
    private List<string> Options(GenerationLink link, SystemClosure? closure)
    {
        var system = layout.StoreDir.Render(link.System);
        var wholeOs = closure?.OptionalFile("init") != null;
        var options = new List<string>();
        if (wholeOs && File.Exists(layout.RootDeviceFile) && File.ReadAllText(layout.RootDeviceFile).Trim() is { Length: > 0 } root)
        {
            options.Add("root=" + root);
        }
        if (wholeOs)
        {
            options.Add($"init={system}/init");
            // /etc/systemd/system/default.target reaches the distribution's target through
            // /etc/static, so systemd loads it as a unit named default.target and never applies
            // the target's .wants/ links (the kiosk's); named on the command line it is itself.
            var defaultTarget = new FileInfo(layout.PhysicalPath(link.System) + "/etc/systemd/system/default.target").LinkTarget;
            if (defaultTarget != null && Path.GetFileName(defaultTarget) is { Length: > 0 } unit && unit != "default.target")
            {
                options.Add("systemd.unit=" + unit);
            }
        }
        if (closure?.KernelParams() is { Length: > 0 } parameters)
        {
            options.Add(parameters);
        }
        options.Add("qitech.system=" + system);
        if (wholeOs)
        {
            options.AddRange(["systemd.show_status=1", "console=tty0", "console=ttyS0,115200"]);
        }
        return options;
    }

    private (string? Linux, string? Initrd) Kernel(GenerationLink link, SystemClosure? closure, HashSet<string> kernelsInUse)
    {
        var kernel = closure?.OptionalFile("kernel");
        if (kernel != null)
        {
            var initrd = closure!.OptionalFile("initrd");
            return (CopyToBoot(link, "linux", kernel, kernelsInUse), initrd == null ? null : CopyToBoot(link, "initrd", initrd, kernelsInUse));
        }
        var host = Directory.Exists(layout.BootDir)
            ? Directory.EnumerateFiles(layout.BootDir, "vmlinuz-*").Select(Path.GetFileName).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        if (host == null)
        {
            return (null, null);
        }
        var hostInitrd = "initrd.img-" + host["vmlinuz-".Length..];
        return ("/" + host, File.Exists(layout.BootDir + "/" + hostInitrd) ? "/" + hostInitrd : null);
    }

    private string CopyToBoot(GenerationLink link, string kind, string source, HashSet<string> kernelsInUse)
    {
        // Named by the store path the file lies in (the base), so generations that share a
        // kernel share one copy on the boot partition.
        var owner = source.StartsWith(layout.PhysicalStoreDir + "/", StringComparison.Ordinal)
            ? source[(layout.PhysicalStoreDir.Length + 1)..].Split('/')[0].Split('-')[0]
            : link.System.HashPart;
        var name = $"{owner}-{kind}";
        var target = layout.BootDir + "/qitech/" + name;
        if (!File.Exists(target))
        {
            Directory.CreateDirectory(layout.BootDir + "/qitech");
            var temp = target + ".partial";
            File.Copy(source, temp, overwrite: true);
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
            {
                stream.Flush(flushToDisk: true);
            }
            // Before an entry names it: the entry's own sync would not cover this folder.
            EspFile.Move(temp, target);
        }
        kernelsInUse.Add(name);
        return "/qitech/" + name;
    }

    private void RemoveUnusedKernels(HashSet<string> kernelsInUse)
    {
        var dir = layout.BootDir + "/qitech";
        if (!Directory.Exists(dir))
        {
            return;
        }
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            if (!kernelsInUse.Contains(Path.GetFileName(file)))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Sets the <c>default</c> line, keeping the administrator's other lines.</summary>
    private void WriteDefault(bool any)
    {
        var lines = File.Exists(LoaderConf)
            ? File.ReadAllLines(LoaderConf).Where(l => !l.TrimStart().StartsWith("default", StringComparison.Ordinal)).ToList()
            : ["timeout 3"];
        if (any)
        {
            lines.Insert(0, "default " + DefaultPattern);
        }
        var text = string.Join('\n', lines) + "\n";
        if (!File.Exists(LoaderConf) || File.ReadAllText(LoaderConf) != text)
        {
            EspFile.Write(LoaderConf, text);
        }
    }

    /// <summary>
    /// Tells a real boot loader to take <paramref name="number"/> once. loader.conf has no
    /// one-shot line: systemd-boot keeps it in the <c>LoaderEntryOneShot</c> EFI variable,
    /// which <c>bootctl set-oneshot</c> writes. Only on the running machine (root "/") with a
    /// <c>/boot/loader</c> and bootctl; elsewhere the choice lives in qitech's next-boot file
    /// alone. Returns what was done, in words. The entry is named as its file is now, boot
    /// counter included: Debian 12's systemd-boot (252) takes the whole file name as the
    /// entry's identifier, so "qitech-1.conf" does not name "qitech-1+2-1.conf".
    /// </summary>
    public async Task<string> SetOneShotAsync(GenerationNumber number, CancellationToken cancel)
    {
        var entry = Path.GetFileName(FindEntry(number) ?? EntryPath(number));
        var bootctl = ProcessRunner.Find("/usr/bin/bootctl", "/bin/bootctl");
        if (layout.Root != "/" || !Directory.Exists(layout.BootDir + "/loader") || bootctl == null)
        {
            return "boot loader not told (no systemd-boot on this root): qitech-osd's boot takes it";
        }
        var result = await ProcessRunner.RunAsync(new ProcessCommand(bootctl, ["set-oneshot", entry]), cancel);
        return result.ExitCode == 0
            ? $"boot loader told: bootctl set-oneshot {entry}"
            : $"boot loader not told: bootctl set-oneshot {entry} failed (exit {result.ExitCode}): {result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim()}";
    }
}
