using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace QiTech.Os.Tests.Support;

/// <summary>
/// YAML as an editor's language server hands it to a JSON Schema: plain true/false, numbers and
/// null typed (YAML 1.2 core schema), everything else a string. Tags play no part.
/// </summary>
public static class YamlToJson
{
    public static JsonElement Convert(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var node = stream.Documents.Count == 0 ? new JsonObject() : ToNode(stream.Documents[0].RootNode);
        return JsonDocument.Parse(node?.ToJsonString() ?? "null").RootElement.Clone();
    }

    private static JsonNode? ToNode(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToNode(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToNode)]),
        YamlScalarNode s when s.Style != YamlDotNet.Core.ScalarStyle.Plain => JsonValue.Create(s.Value),
        YamlScalarNode s => s.Value switch
        {
            "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            var v when long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            var v => JsonValue.Create(v),
        },
        _ => throw new InvalidOperationException("unexpected YAML node"),
    };
}
