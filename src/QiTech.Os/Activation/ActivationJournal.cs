using System.Text.Json;
using QiTech.Os.Errors;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Activation;

/// <summary>
/// The intent of an activation, written durably before its first change and removed after
/// its last (<c>R/qitech/var/activation.json</c>). Every step is idempotent, so recovery after
/// a crash replays the whole journal: the system ends on the new generation, with the
/// profile, <c>current-system</c> and the /etc links agreeing. The unit lists are kept here
/// because after the flip the old system can no longer be told from the new.
/// </summary>
public sealed record ActivationJournal(
    ActivationMode Mode,
    string System,
    int? Generation,
    string? Previous,
    IReadOnlyList<string> Stop,
    IReadOnlyList<string> Start,
    IReadOnlyList<string> Restart)
{
    public static string PathFor(SystemLayout layout) => layout.StateDir + "/activation.json";

    public static ActivationJournal? Load(SystemLayout layout)
    {
        var path = PathFor(layout);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), JournalJson.Default.ActivationJournal)
                ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            // Written by rename, so a torn file means someone edited it: refuse to guess.
            throw new QiTechOsException($"{path}: unreadable activation journal ({e.Message}); inspect it, then delete it to continue");
        }
    }

    /// <summary>
    /// Where the journal's target is held as a GC root until the journal is cleared, so a
    /// garbage collection between a crash and its recovery cannot take the new system away.
    /// </summary>
    public static string GcRootFor(SystemLayout layout) => layout.GcRootsDir + "/pending-activation";

    /// <summary>Root and journal, both durable on return: the one wait for the disk before any change.</summary>
    public void Save(SystemLayout layout)
    {
        var batch = new SyncBatch();
        AtomicLink.Replace(GcRootFor(layout), System, batch);
        DurableFile.Write(PathFor(layout), JsonSerializer.Serialize(this, JournalJson.Default.ActivationJournal) + "\n", batch);
        batch.Flush();
    }

    /// <summary>Removes journal and root (durable on return); call once every step's changes are durable.</summary>
    public static void Clear(SystemLayout layout)
    {
        var batch = new SyncBatch();
        DurableFile.Delete(PathFor(layout), batch);
        AtomicLink.Remove(GcRootFor(layout), batch);
        batch.Flush();
    }
}
