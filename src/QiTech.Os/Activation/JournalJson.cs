using System.Text.Json.Serialization;

namespace QiTech.Os.Activation;

/// <summary>How the activation journal is written: the form of the other state files in <c>R/qitech/var</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ActivationJournal))]
internal sealed partial class JournalJson : JsonSerializerContext;
