using System.Runtime.CompilerServices;
using System.Text;

namespace QiTech.Os.Services;

/// <summary>Reads a service's log the way <c>journalctl -u UNIT [-n N] [-f]</c> would.</summary>
public static class ServiceLogReader
{
    /// <summary><c>R/var/log/qitech/&lt;unit&gt;.log</c>, where the supervisor writes the unit's output.</summary>
    public static string PathFor(QiTech.Os.Store.SystemLayout layout, string unit) => Path.Combine(layout.LogDir, unit + ".log");

    /// <summary>The last <paramref name="lines"/> lines over the rotated files and the current one.</summary>
    public static List<string> Tail(string logPath, int lines)
    {
        var result = new List<string>();
        foreach (var file in Enumerable.Reverse(RotatingLog.Files(logPath)))
        {
            string[] fileLines;
            try
            {
                fileLines = File.ReadAllLines(file);
            }
            catch (FileNotFoundException)
            {
                continue; // rotated away while we read
            }
            result.InsertRange(0, fileLines);
            if (result.Count >= lines)
            {
                break;
            }
        }
        return result.Count > lines ? result[^lines..] : result;
    }

    /// <summary>
    /// The last <paramref name="lines"/> lines, then every new line as it is written, across
    /// rotations (a new file under the same name is read from its start), until cancelled.
    /// </summary>
    public static async IAsyncEnumerable<string> Follow(string logPath, int lines, TimeSpan pollInterval, [EnumeratorCancellation] CancellationToken cancel)
    {
        // Remember where the current file ends before taking the tail, so no line is lost or doubled.
        long offset = 0;
        ulong inode = 0;
        if (File.Exists(logPath))
        {
            var st = Platform.Posix.Stat(logPath, follow: true);
            inode = st.Inode;
            offset = (long)st.Size;
        }
        foreach (var line in TailUpTo(logPath, lines, offset))
        {
            yield return line;
        }
        var pending = new StringBuilder();
        var buffer = new byte[64 * 1024];
        while (!cancel.IsCancellationRequested)
        {
            var grew = false;
            if (Platform.Posix.TryStat(Platform.Posix.AtFdCwd, Platform.Posix.Z(logPath), out var st, follow: true))
            {
                if (st.Inode != inode || (long)st.Size < offset)
                {
                    inode = st.Inode;
                    offset = 0;
                    pending.Clear();
                }
                if ((long)st.Size > offset)
                {
                    using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    stream.Seek(offset, SeekOrigin.Begin);
                    int n;
                    while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        offset += n;
                        pending.Append(Encoding.UTF8.GetString(buffer, 0, n));
                    }
                    grew = true;
                }
            }
            if (grew)
            {
                var text = pending.ToString();
                var end = text.LastIndexOf('\n');
                if (end >= 0)
                {
                    foreach (var line in text[..end].Split('\n'))
                    {
                        yield return line;
                    }
                    pending.Clear().Append(text[(end + 1)..]);
                }
                continue;
            }
            try
            {
                await Task.Delay(pollInterval, cancel);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    private static List<string> TailUpTo(string logPath, int lines, long currentLength)
    {
        var all = Tail(logPath, lines + 1024);
        // Drop what was written to the current file after we measured it: Follow reads that.
        if (File.Exists(logPath))
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var extra = stream.Length - currentLength;
            if (extra > 0)
            {
                stream.Seek(currentLength, SeekOrigin.Begin);
                var tailBytes = new byte[extra];
                stream.ReadExactly(tailBytes);
                var extraLines = Encoding.UTF8.GetString(tailBytes).Count(c => c == '\n');
                all = all[..Math.Max(0, all.Count - extraLines)];
            }
        }
        return all.Count > lines ? all[^lines..] : all;
    }
}
