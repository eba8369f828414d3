using QiTech.Os.Nix;

namespace QiTech.Os.Tests.Support;

/// <summary>Hand-assembles export streams (nix-store --export framing), so forged ones can be made on purpose.</summary>
public sealed class ExportStreamBytes
{
    private readonly NarBytes _out = new();

    /// <summary>One path: its NAR, name, references, deriver, and our NAR hash trailer when given.</summary>
    public ExportStreamBytes Path(byte[] nar, string storePath, IReadOnlyList<string>? references = null, string deriver = "", string? trailer = null)
    {
        _out.U64(1).Raw(nar).U64(0x4558494e).Str(storePath).U64((ulong)(references?.Count ?? 0));
        foreach (var reference in references ?? [])
        {
            _out.Str(reference);
        }
        _out.Str(deriver);
        if (trailer == null)
        {
            _out.U64(0);
        }
        else
        {
            _out.U64(1).Str(trailer);
        }
        return this;
    }

    public byte[] End() => _out.U64(0).ToArray();

    /// <summary>The trailer our exports write: the NAR's hash.</summary>
    public static string HashTrailer(byte[] nar) => "qitech-nar-hash:sha256:" + Sha256Digest.Of(nar).ToBase32();

    /// <summary>The name <c>store add</c> gives a tree with this NAR and these references.</summary>
    public static string SourcePath(byte[] nar, string name, IEnumerable<string>? references = null, string storeDir = StoreDirectory.Default)
    {
        var dir = new StoreDirectory(storeDir);
        var refs = (references ?? []).Select(r => dir.TryParse(r, out var p, out _) ? p : throw new ArgumentException(r)).ToList();
        return dir.Render(new StorePathComputer(dir).MakeSourcePath(Sha256Digest.Of(nar), name, refs));
    }

    /// <summary>A NAR of one regular file.</summary>
    public static byte[] FileNar(string contents) => NarBytes.Archive().File(contents).ToArray();
}
