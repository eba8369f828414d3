using System.Globalization;

namespace QiTech.Os.Tests.Vm;

/// <summary>Durations the VM suite measures, appended to artifacts/vm/timings.txt for the record (never asserted).</summary>
public static class VmTimings
{
    private static readonly Lock Gate = new();

    public static void Record(string what, TimeSpan duration)
    {
        lock (Gate)
        {
            Directory.CreateDirectory(VmImageFixture.ArtifactsDir);
            File.AppendAllText(Path.Combine(VmImageFixture.ArtifactsDir, "timings.txt"),
                string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:u}\t{what}\t{duration.TotalSeconds:0.0} s\n"));
        }
    }
}
