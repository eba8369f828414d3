using QiTech.Os.Activation;
using QiTech.Os.Sources;

namespace QiTech.Os.Updates;

/// <summary>What an update fetched, built and activated.</summary>
public sealed record UpdateResult(ResolvedSource Source, ActivationResult Activation);
