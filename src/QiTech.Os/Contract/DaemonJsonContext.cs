using System.Text.Json;
using System.Text.Json.Serialization;
using QiTech.Os.Jobs;

namespace QiTech.Os.Contract;

/// <summary>
/// Every type on the daemon's wire, for System.Text.Json's source generator (the CLI is
/// NativeAOT). Use it through <see cref="DaemonJson"/>, which adds the converters for store
/// paths, generation numbers and enums.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StatusJson))]
[JsonSerializable(typeof(List<GenerationJson>))]
[JsonSerializable(typeof(JobJson))]
[JsonSerializable(typeof(List<JobJson>))]
[JsonSerializable(typeof(JobStartedJson))]
[JsonSerializable(typeof(ActivateRequest))]
[JsonSerializable(typeof(RollbackRequest))]
[JsonSerializable(typeof(ActivationJson))]
[JsonSerializable(typeof(PlanJson))]
[JsonSerializable(typeof(OneShotBootJson))]
[JsonSerializable(typeof(BootJson))]
[JsonSerializable(typeof(DeleteRequest))]
[JsonSerializable(typeof(DeletionJson))]
[JsonSerializable(typeof(GcRequest))]
[JsonSerializable(typeof(GcJson))]
[JsonSerializable(typeof(ServiceJson))]
[JsonSerializable(typeof(InstallRequest))]
[JsonSerializable(typeof(UpdateJson))]
[JsonSerializable(typeof(SourceJson))]
[JsonSerializable(typeof(SourceRequest))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(List<TargetJson>))]
[JsonSerializable(typeof(ChangelogJson))]
[JsonSerializable(typeof(List<MediaBundleJson>))]
[JsonSerializable(typeof(BundleInstallRequest))]
[JsonSerializable(typeof(BundleInstallJson))]
[JsonSerializable(typeof(ProblemJson))]
[JsonSerializable(typeof(StepEvent))]
[JsonSerializable(typeof(ProgressEvent))]
[JsonSerializable(typeof(LogEvent))]
[JsonSerializable(typeof(DoneEvent))]
public sealed partial class DaemonJsonContext : JsonSerializerContext;
