using System.Text.Json.Serialization;
using QiTech.Os.Activation;
using QiTech.Os.Nix;
using QiTech.Os.Sources;
using QiTech.Os.Updates;

namespace QiTech.Os.Contract;

/// <summary>
/// <c>POST /v1/update/install</c>: <see cref="Source"/> and <see cref="ConfigFile"/> default to
/// the machine's (docs/daemon-api.md); the daemon checks each before a job starts.
/// </summary>
public sealed record InstallRequest(string Ref, [property: JsonRequired] ActivationMode Mode, string? Source = null, string? ConfigFile = null, bool? NoRollback = null);

/// <summary>An update job's result: what the ref resolved to, from where, and the activation.</summary>
public sealed record UpdateJson(string Ref, string Commit, string Abbreviation, string Url, StorePath Source, ActivationJson Activation)
{
    public static UpdateJson From(UpdateRequest request, UpdateResult result) => new(
        request.Ref.Name,
        result.Source.Info.Commit,
        result.Source.Info.Abbreviation,
        result.Source.Info.Url,
        result.Source.TreePath,
        ActivationJson.From(result.Activation));
}

/// <summary>
/// The update source; <see cref="HasToken"/> says whether a private-repository token is set (it is
/// never returned); <see cref="TokenCleared"/>, in the answer to a change, that the change cleared a
/// token set for another host; <see cref="Check"/>, in the answer to a change, why git could not
/// read the new source although it was stored (it asks for credentials), else null.
/// </summary>
public sealed record SourceJson(string? Url, bool HasToken, bool TokenCleared = false, string? Check = null);

/// <summary><c>PUT /v1/update/source</c>: a URL or a local repository path, checked before it is stored.</summary>
public sealed record SourceRequest(string Url);

/// <summary><c>PUT /v1/update/token</c>.</summary>
public sealed record TokenRequest(string Token);

/// <summary>
/// A tag, branch or commit of the update source; <see cref="Date"/> is the commit date;
/// <see cref="Refusal"/> why its name cannot be installed (null when it can).
/// </summary>
public sealed record TargetJson(UpdateTargetKind Kind, string Name, string Commit, DateTimeOffset Date, string Subject, bool OlderThanRunning, bool Running,
    string? Refusal = null)
{
    public static TargetJson From(UpdateTarget t) => new(t.Kind, t.Name, t.Commit.ToString(), t.Date, t.Subject, t.OlderThanRunning, t.IsRunning, t.Refusal);
}

/// <summary>
/// What changed between the running version and <see cref="Ref"/>, which resolved to
/// <see cref="Commit"/>: the <see cref="File"/> (CHANGELOG.md…) at the ref when it has one, else
/// the subjects of the commits since the running version (<see cref="File"/> null).
/// </summary>
public sealed record ChangelogJson(string Ref, string Text, string? Commit = null, string? File = null);
