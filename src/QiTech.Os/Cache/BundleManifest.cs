using System.Text.Json;
using System.Text.Json.Serialization;

namespace QiTech.Os.Cache;

/// <summary>
/// The first entry of an offline bundle: which system it installs and how to show it to an
/// operator before installing: its version and <see cref="Changelog"/> (the source's CHANGELOG
/// at that commit, else its commit subjects; null when the bundle was made without one).
/// Signed as a whole (<see cref="Bundle.SignatureEntry"/>).
/// </summary>
public sealed record BundleManifest(int Format, string StoreDir, string System, string Label, string? Commit, string? Timestamp, int Paths, string? Changelog = null)
{
    public const int CurrentFormat = 1;

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
