using QiTech.Os.Errors;

namespace QiTech.Os.Nar;

/// <summary>A NAR stream that is not a well-formed archive; names the byte offset.</summary>
public sealed class NarFormatException(string message, long offset)
    : BadInputException($"malformed NAR at byte {offset}: {message}")
{
    public long Offset { get; } = offset;
}
