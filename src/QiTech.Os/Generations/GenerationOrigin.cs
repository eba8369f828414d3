using System.Text.Json;
using System.Text.Json.Nodes;
using QiTech.Os.Sources;

namespace QiTech.Os.Generations;

/// <summary>
/// Where a generation came from when an update installed it: the ref the operator chose
/// (<c>feature/x</c>, <c>v1.2</c>, a commit) and the commit it resolved to. Kept in a small
/// file beside the generation's link (<c>system-&lt;N&gt;-link.origin</c>), not in the system's
/// release data: the chosen name is not part of what was built, so two names of one commit
/// still give one system (and reuse one generation), and the same system keeps its store path.
/// The file names the system it was written for: one a crash left behind for a number that
/// was never used, or that was reused, describes nothing.
/// </summary>
public sealed record GenerationOrigin(GitRefName Ref, GitCommitHash Commit)
{
    public const string FileSuffix = ".origin";

    public string ToFileText(string logicalSystem) =>
        new JsonObject { ["ref"] = Ref.Name, ["commit"] = Commit.Hex, ["system"] = logicalSystem }.ToJsonString() + "\n";

    /// <summary>The origin in <paramref name="text"/> when it was written for <paramref name="logicalSystem"/>; else null (a damaged file, another system).</summary>
    public static GenerationOrigin? Parse(string text, string logicalSystem)
    {
        try
        {
            if (JsonNode.Parse(text) is JsonObject json
                && Text(json, "system") == logicalSystem
                && GitRefName.TryParse(Text(json, "ref"), out var name, out _)
                && GitCommitHash.TryParse(Text(json, "commit"), out var commit))
            {
                return new GenerationOrigin(name, commit);
            }
        }
        catch (JsonException)
        {
            // A damaged record labels nothing; the generation shows by its version alone.
        }
        return null;

        static string? Text(JsonObject json, string key) =>
            json[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
    }
}
