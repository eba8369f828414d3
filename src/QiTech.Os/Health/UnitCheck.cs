using QiTech.Os.Config;

namespace QiTech.Os.Health;

/// <summary>
/// A unit to wait for: its <see cref="Check"/>, or <see cref="Problem"/> when its unit file
/// declares a check that cannot be read (that unit then fails its check).
/// </summary>
public sealed record UnitCheck(string Unit, HealthCheck? Check, string? Problem = null);
