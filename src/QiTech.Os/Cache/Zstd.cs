using System.Reflection;
using System.Runtime.InteropServices;
using QiTech.Os.Platform;
using ZstdNet;

namespace QiTech.Os.Cache;

/// <summary>
/// zstd streams for caches and bundles, by the native libzstd: a third less CPU than a managed
/// port on a push, where compressing is most of the work. The library is the system's
/// <c>libzstd.so.1</c> (in every Debian system: dpkg needs it, and a machine's base pins its
/// version), else the one the ZstdNet package ships beside the program.
/// </summary>
public static class Zstd
{
    private const string SystemLibrary = "libzstd.so.1";

    static Zstd() => NativeLibrary.SetDllImportResolver(typeof(Compressor).Assembly, Resolve);

    /// <summary>
    /// A write-only stream compressing into <paramref name="output"/> (left open) as one zstd frame,
    /// ended when disposed; on <paramref name="workers"/> threads of zstd's own, and with long-distance
    /// matching over a window of 2^<paramref name="longWindowLog"/> bytes when that is set.
    /// </summary>
    public static Stream Compress(Stream output, int level, int workers = 0, int longWindowLog = 0)
    {
        var parameters = new Dictionary<ZSTD_cParameter, int>();
        if (workers > 0)
        {
            parameters[ZSTD_cParameter.ZSTD_c_nbWorkers] = workers;
        }
        if (longWindowLog > 0)
        {
            parameters[ZSTD_cParameter.ZSTD_c_windowLog] = longWindowLog;
            parameters[ZSTD_cParameter.ZSTD_c_enableLongDistanceMatching] = 1;
        }
        return new CompressionStream(output, new CompressionOptions(null, parameters, level));
    }

    /// <summary>A read-only stream of what <paramref name="input"/> holds, any number of frames one after another.</summary>
    public static Stream Decompress(Stream input, bool leaveOpen) => new Decompressing(input, leaveOpen);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == "libzstd" && NativeLibrary.TryLoad(SystemLibrary, out var handle) ? handle : IntPtr.Zero;

    /// <summary>The decompressing stream, which also disposes its input unless told to leave it open.</summary>
    private sealed class Decompressing(Stream input, bool leaveOpen) : ForwardReadStream
    {
        private readonly DecompressionStream _inner = new(input);
        private long _read;

        protected override long BytesRead => _read;

        public override int Read(Span<byte> buffer)
        {
            var n = _inner.Read(buffer);
            _read += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                if (!leaveOpen)
                {
                    input.Dispose();
                }
            }
            base.Dispose(disposing);
        }
    }
}
