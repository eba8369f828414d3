using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace QiTech.Os.Daemon.Api;

/// <summary>
/// The problem documents the daemon answers errors with (<see cref="ErrorMapping"/>), generated at
/// build time: the daemon is compiled ahead of time, where JSON has no reflection to fall back on.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
internal sealed partial class DaemonProblemJsonContext : JsonSerializerContext;
