using System.Text.Json;
using System.Text.Json.Serialization;

namespace QiTech.Os.Cache;

/// <summary>
/// The first entry of an offline bundle: which system it installs and how to show it to an
/// operator before installing: its version and <see cref="Changelog"/> (the source's CHANGELOG
/// at that commit, else its commit subjects; null when the bundle was made without one).
/// Signed as a whole (<see cref="Bundle.SignatureEntry"/>). A bundle made <see cref="Since"/> a
/// system holds only what that system lacks, down to single files: format <see cref="SinceFormat"/>,
/// so that a reader that knows only whole bundles refuses it rather than failing halfway.
/// </summary>
public sealed record BundleManifest(int Format, string StoreDir, string System, string Label, string? Commit, string? Timestamp, int Paths, string? Changelog = null,
    string? Since = null)
{
    /// <summary>A bundle with every path of its closure whole.</summary>
    public const int CurrentFormat = 1;

    /// <summary>A bundle of the files a machine holding <see cref="Since"/> lacks (file layer, no NARs).</summary>
    public const int SinceFormat = 2;

    public bool IsReadable => Format == (Since is null ? CurrentFormat : SinceFormat);

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, BundleJson.Default.BundleManifest);

    public static BundleManifest? Parse(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, BundleJson.Default.BundleManifest);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(BundleManifest))]
internal sealed partial class BundleJson : JsonSerializerContext;
