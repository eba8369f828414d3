using System.Text;

namespace QiTech.Os.Services;

/// <summary>
/// Appends lines to <c>unit.log</c>; when the next line would pass the size bound, the file
/// becomes <c>unit.log.1</c> (older ones shift to <c>.2</c>… and the oldest beyond the kept
/// count is removed), so a chatty service never fills the disk. Thread-safe.
/// </summary>
public sealed class RotatingLog : IDisposable
{
    private readonly object _gate = new();
    private readonly long _maxBytes;
    private readonly int _keep;
    private FileStream? _stream;

    /// <param name="path">The current log file.</param>
    /// <param name="maxBytes">Bound of one file.</param>
    /// <param name="keep">How many rotated files (<c>.1</c>…<c>.keep</c>) to keep.</param>
    public RotatingLog(string path, long maxBytes, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 64);
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        Path = path;
        _maxBytes = maxBytes;
        _keep = keep;
    }

    public string Path { get; }

    /// <summary>Writes one line, stamped with the UTC time.</summary>
    public void WriteLine(string text)
    {
        var bytes = Encoding.UTF8.GetBytes($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {text}\n");
        lock (_gate)
        {
            _stream ??= Open();
            if (_stream.Length > 0 && _stream.Length + bytes.Length > _maxBytes)
            {
                Rotate();
            }
            // A single line longer than the bound is cut, so no file ever exceeds it.
            _stream.Write(bytes, 0, (int)Math.Min(bytes.Length, _maxBytes));
            _stream.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    /// <summary>The log's files from oldest to newest (rotated ones, then the current one).</summary>
    public static List<string> Files(string path)
    {
        var files = new List<(int Index, string File)>();
        var directory = System.IO.Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            return [];
        }
        var prefix = System.IO.Path.GetFileName(path) + ".";
        foreach (var file in Directory.EnumerateFiles(directory, prefix + "*"))
        {
            var name = System.IO.Path.GetFileName(file);
            if (name.Length > prefix.Length && int.TryParse(name[prefix.Length..], out var index) && index > 0)
            {
                files.Add((index, file));
            }
        }
        var ordered = files.OrderByDescending(f => f.Index).Select(f => f.File).ToList();
        if (File.Exists(path))
        {
            ordered.Add(path);
        }
        return ordered;
    }

    private FileStream Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        return stream;
    }

    private void Rotate()
    {
        _stream!.Dispose();
        if (_keep == 0)
        {
            File.Delete(Path);
        }
        else
        {
            File.Delete($"{Path}.{_keep}");
            for (var i = _keep - 1; i >= 1; i--)
            {
                if (File.Exists($"{Path}.{i}"))
                {
                    File.Move($"{Path}.{i}", $"{Path}.{i + 1}");
                }
            }
            File.Move(Path, Path + ".1");
        }
        _stream = Open();
    }
}
