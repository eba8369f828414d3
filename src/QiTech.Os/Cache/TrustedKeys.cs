using System.Text.Json;
using QiTech.Os.Errors;
using QiTech.Os.Store;

namespace QiTech.Os.Cache;

/// <summary>The keys whose bundles a machine trusts: its running configuration's <c>system.update.trustedPublicKeys</c>.</summary>
public static class TrustedKeys
{
    /// <summary>The running system's keys; a <see cref="BadInputException"/> when it trusts none.</summary>
    public static IReadOnlyList<NixPublicKey> OfRunningSystem(SystemLayout layout)
    {
        // Resolved inside the root: the link names a logical store path.
        var config = RootedPath.Resolve(layout, SystemLayout.CurrentSystemPath + "/" + Config.SystemBuilder.ConfigurationJson);
        var keys = new List<NixPublicKey>();
        if (File.Exists(config))
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(config));
            if (json.RootElement.TryGetProperty("system", out var system) && system.TryGetProperty("update", out var update)
                && update.TryGetProperty("trustedPublicKeys", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                keys.AddRange(list.EnumerateArray().Select((k, i) => NixPublicKey.Parse(k.GetString() ?? "", $"{config}: trustedPublicKeys #{i + 1}")));
            }
        }
        return keys.Count > 0 ? keys
            : throw new BadInputException("no trusted key: set system.update.trustedPublicKeys in the running configuration");
    }
}
