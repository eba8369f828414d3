using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using QiTech.Os.Contract;
using QiTech.Os.Nix;

namespace QiTech.Control.Server.Tests.Support;

/// <summary>The JSON of the server's API: its own records, and the daemon's contract records as the daemon writes them.</summary>
public static class ServerJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        DaemonJson.Configure(options, new StoreDirectory(StoreDirectory.Default));
        return options;
    }
}
