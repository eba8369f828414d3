using QiTech.Os.Generations;

namespace QiTech.Os.Services;

/// <summary>
/// The services of one system closure: every <c>etc/systemd/system/*.service</c>, which of
/// them start at boot (<see cref="UnitInstallSection"/>: <c>[Install] WantedBy=</c> or
/// <c>RequiredBy=</c>, or a link in a <c>*.wants/</c> or <c>*.requires/</c> folder, as
/// <c>systemctl enable</c> makes), and the closure's version variables.
/// </summary>
public sealed record LoadedSystem(
    string StorePath,
    string PhysicalPath,
    IReadOnlyDictionary<string, ServiceUnit> Units,
    IReadOnlySet<string> Enabled,
    QitechOsRelease Release)
{
    public const string UnitDirectory = "etc/systemd/system";

    /// <summary>Reads the closure at the logical <paramref name="storePath"/>; a bad unit throws <see cref="UnitFileException"/>.</summary>
    public static LoadedSystem Load(RootPathMapper mapper, string storePath)
    {
        var physical = mapper.ResolvePhysical(mapper.Map(storePath));
        if (!Directory.Exists(physical))
        {
            throw new Errors.BadInputException($"{storePath}: system closure not found");
        }
        var units = new Dictionary<string, ServiceUnit>(StringComparer.Ordinal);
        var enabled = new HashSet<string>(StringComparer.Ordinal);
        var unitDirectory = mapper.ResolvePhysical(Path.Combine(physical, UnitDirectory));
        if (Directory.Exists(unitDirectory))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(unitDirectory).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(entry);
                if (name.EndsWith(".service", StringComparison.Ordinal))
                {
                    var file = mapper.ResolvePhysical(entry);
                    var text = ReadUnit(file, $"{storePath}/{UnitDirectory}/{name}");
                    units[name] = UnitFileParser.Parse(name, text, $"{storePath}/{UnitDirectory}/{name}");
                    if (UnitInstallSection.EnablesItself(text))
                    {
                        enabled.Add(name);
                    }
                }
                else if (UnitInstallSection.IsEnablingFolder(name) && Directory.Exists(mapper.ResolvePhysical(entry)))
                {
                    foreach (var wanted in Directory.EnumerateFileSystemEntries(mapper.ResolvePhysical(entry)))
                    {
                        enabled.Add(Path.GetFileName(wanted));
                    }
                }
            }
        }
        enabled.IntersectWith(units.Keys);
        return new LoadedSystem(storePath, physical, units, enabled, QitechOsRelease.Read(physical));
    }

    /// <summary>Enabled units in an order that honours <c>After=</c> (ties by name).</summary>
    public List<string> BootOrder() => StartOrder(Enabled);

    /// <summary><paramref name="names"/> sorted so each comes after the units it names in After=.</summary>
    public List<string> StartOrder(IEnumerable<string> names)
    {
        var wanted = new SortedSet<string>(names, StringComparer.Ordinal);
        var order = new List<string>();
        var visiting = new HashSet<string>();
        var done = new HashSet<string>();
        void Visit(string name)
        {
            if (done.Contains(name) || !visiting.Add(name))
            {
                return; // already placed, or an ordering cycle: systemd breaks it too
            }
            if (Units.TryGetValue(name, out var unit))
            {
                foreach (var before in unit.After.Order(StringComparer.Ordinal))
                {
                    if (wanted.Contains(before))
                    {
                        Visit(before);
                    }
                }
            }
            visiting.Remove(name);
            done.Add(name);
            order.Add(name);
        }
        foreach (var name in wanted)
        {
            Visit(name);
        }
        return order;
    }

    private static string ReadUnit(string file, string shownAs)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UnitFileException(shownAs, "cannot read: " + e.Message);
        }
    }
}
