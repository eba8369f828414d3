using System.Globalization;

namespace QiTech.Os.Tests.Vm;

/// <summary>Durations and sizes the VM suite measures, appended to artifacts/vm/timings.txt for the record (never asserted).</summary>
public static class VmTimings
{
    private static readonly Lock Gate = new();

    public static void Record(string what, TimeSpan duration) => Append(what, string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0} s"));

    public static void RecordBytes(string what, long bytes) => Append(what, string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:#,0} KiB"));

    private static void Append(string what, string value)
    {
        lock (Gate)
        {
            Directory.CreateDirectory(VmImageFixture.ArtifactsDir);
            File.AppendAllText(Path.Combine(VmImageFixture.ArtifactsDir, "timings.txt"),
                string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:u}\t{what}\t{value}\n"));
        }
    }
}
