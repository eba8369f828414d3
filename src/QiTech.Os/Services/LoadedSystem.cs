using QiTech.Os.Config;
using QiTech.Os.Generations;
using QiTech.Os.Sources;

namespace QiTech.Os.Services;

/// <summary>
/// The services of one system closure: every <c>etc/systemd/system/*.service</c>, which of
/// them start at boot (<see cref="ClosureUnits.IsEnabled"/>, the rule activation applies too),
/// and the closure's version variables.
/// </summary>
public sealed record LoadedSystem(
    string StorePath,
    string PhysicalPath,
    IReadOnlyDictionary<string, ServiceUnit> Units,
    IReadOnlySet<string> Enabled,
    VersionInfo Version)
{
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
        var closureUnits = ClosureUnits.Read(mapper.Layout, storePath);
        foreach (var (name, file) in closureUnits.Files.Where(u => u.Key.EndsWith(".service", StringComparison.Ordinal)))
        {
            var shownAs = $"{closureUnits.LogicalFolder}/{name}";
            var text = ReadUnit(file, shownAs);
            units[name] = UnitFileParser.Parse(name, text, shownAs);
            if (closureUnits.IsEnabled(name, text))
            {
                enabled.Add(name);
            }
        }
        return new LoadedSystem(storePath, physical, units, enabled, ReleaseFile.Read(physical));
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
