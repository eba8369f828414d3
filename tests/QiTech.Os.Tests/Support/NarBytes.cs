using System.Buffers.Binary;
using System.Text;

namespace QiTech.Os.Tests.Support;

/// <summary>Hand-assembles NAR streams, so malformed ones can be made on purpose.</summary>
public sealed class NarBytes
{
    private readonly MemoryStream _out = new();

    public NarBytes Str(string s) => Str(Encoding.UTF8.GetBytes(s));

    public NarBytes Str(byte[] b)
    {
        U64((ulong)b.Length);
        _out.Write(b);
        _out.Write(new byte[(8 - b.Length % 8) % 8]);
        return this;
    }

    public NarBytes U64(ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        _out.Write(b);
        return this;
    }

    public NarBytes Raw(byte[] b)
    {
        _out.Write(b);
        return this;
    }

    public NarBytes Tokens(params string[] tokens)
    {
        foreach (var t in tokens)
        {
            Str(t);
        }
        return this;
    }

    public NarBytes Entry(string name, Action<NarBytes> node)
    {
        Tokens("entry", "(", "name", name, "node");
        node(this);
        return Str(")");
    }

    public NarBytes File(string contents) => Tokens("(", "type", "regular", "contents", contents, ")");

    public byte[] ToArray() => _out.ToArray();

    public static NarBytes Archive() => new NarBytes().Str("nix-archive-1");

    public static byte[] Directory(params (string Name, string Contents)[] files)
    {
        var nar = Archive().Tokens("(", "type", "directory");
        foreach (var (name, contents) in files)
        {
            nar.Entry(name, n => n.File(contents));
        }
        return nar.Str(")").ToArray();
    }
}
