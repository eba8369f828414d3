using System.Text.Json.Serialization;
using QiTech.Os.Activation;
using QiTech.Os.Cache;
using QiTech.Os.Nix;

namespace QiTech.Os.Contract;

/// <summary>
/// A bundle on removable media (<c>GET /v1/update/bundles</c>): <see cref="File"/> its path on
/// the machine, the version and changelog its signed manifest gives and the name of the key that
/// signed it; or, for one that cannot be installed, <see cref="Refusal"/> and nothing from its manifest.
/// </summary>
public sealed record MediaBundleJson(string File, long SizeBytes, string? Label, string? Commit, string? Timestamp, string? Signer, string? Changelog,
    string? System, string? Refusal)
{
    public static MediaBundleJson From(MediaBundle bundle) => bundle.Signed is { Manifest: var m } signed
        ? new(bundle.File, bundle.SizeBytes, m.Label, m.Commit, m.Timestamp, signed.Signer, m.Changelog, m.System, null)
        : new(bundle.File, bundle.SizeBytes, null, null, null, null, null, null, bundle.Refusal);
}

/// <summary><c>POST /v1/update/bundles/install</c>: one of the listed bundles, by its <see cref="File"/>.</summary>
public sealed record BundleInstallRequest(string File, [property: JsonRequired] ActivationMode Mode, bool? NoRollback = null);

/// <summary>A bundle install's result: which bundle, the version it installed, and the activation.</summary>
public sealed record BundleInstallJson(string File, string Label, StorePath System, string Signer, ActivationJson Activation);
