using System.Diagnostics;

namespace QiTech.Os.Platform;

/// <summary>
/// Closes a child's redirected standard streams. <see cref="Process.Dispose()"/> leaves them
/// open (they may still be read elsewhere), so their pipes would stay until a garbage
/// collection: a daemon running git a few times per update would gather descriptors.
/// </summary>
public static class ProcessPipes
{
    public static void Close(Process process)
    {
        foreach (var close in new Action[]
        {
            () => process.StandardInput.Dispose(),
            () => process.StandardOutput.Dispose(),
            () => process.StandardError.Dispose(),
        })
        {
            try
            {
                close();
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                // Not redirected, or the child closed its end first.
            }
        }
    }
}
