using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using QiTech.Os.Activation;
using QiTech.Os.Health;
using QiTech.Os.Jobs;
using QiTech.Os.Nix;
using QiTech.Os.Services;
using QiTech.Os.Sources;

namespace QiTech.Os.Contract;

/// <summary>
/// The daemon's JSON: camelCase names, enums in kebab case (<c>"dry-activate"</c>,
/// <c>"delete-generations"</c>), store paths in the daemon's store directory, generations as
/// numbers. The daemon, the client and the control server serialise with these options, and
/// a job's <see cref="JobJson.Result"/> is read here, by its kind.
/// </summary>
public sealed class DaemonJson
{
    public DaemonJson(StoreDirectory storeDir)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options, storeDir);
        options.MakeReadOnly();
        Options = options;
        StoreDir = storeDir;
    }

    public JsonSerializerOptions Options { get; }

    /// <summary>The logical store directory the daemon's store paths are in.</summary>
    public StoreDirectory StoreDir { get; }

    /// <summary>Adds the contract's converters and types to <paramref name="options"/> (the daemon's and the server's HTTP options).</summary>
    public static void Configure(JsonSerializerOptions options, StoreDirectory storeDir)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        // Before any converter the host has, so these enums keep their wire names.
        JsonConverter[] converters =
        [
            new StorePathJsonConverter(storeDir),
            new GenerationNumberJsonConverter(),
            new WireEnumConverter<ActivationMode>(),
            new WireEnumConverter<JobState>(),
            new WireEnumConverter<JobKind>(),
            new WireEnumConverter<ServiceState>(),
            new WireEnumConverter<UpdateTargetKind>(),
        ];
        for (var i = 0; i < converters.Length; i++)
        {
            options.Converters.Insert(i, converters[i]);
        }
        options.TypeInfoResolverChain.Insert(0, DaemonJsonContext.Default);
    }

    /// <summary>An enum value as the wire writes it (<c>"delete-generations"</c>), for messages and output.</summary>
    public static string WireName<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>The type's metadata under these options.</summary>
    public JsonTypeInfo<T> Type<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    public string Serialize<T>(T value) => JsonSerializer.Serialize(value, Type<T>());

    public T? Deserialize<T>(string json) => JsonSerializer.Deserialize(json, Type<T>());

    /// <summary>The result of a switch, boot, test or rollback job.</summary>
    public ActivationJson? Activation(JobJson job) =>
        job.Kind is JobKind.Switch or JobKind.Boot or JobKind.Test or JobKind.Rollback ? Result<ActivationJson>(job) : null;

    public UpdateJson? Update(JobJson job) => job.Kind == JobKind.Update ? Result<UpdateJson>(job) : null;

    /// <summary>The activation of an activation job, an update or a bundle install (its <c>activation</c>).</summary>
    public ActivationJson? AnyActivation(JobJson job) => Activation(job) ?? Update(job)?.Activation ?? BundleInstall(job)?.Activation;

    public BundleInstallJson? BundleInstall(JobJson job) => job.Kind == JobKind.InstallBundle ? Result<BundleInstallJson>(job) : null;

    public OneShotBootJson? BootOnce(JobJson job) => job.Kind == JobKind.BootOnce ? Result<OneShotBootJson>(job) : null;

    public GcJson? Gc(JobJson job) => job.Kind == JobKind.Gc ? Result<GcJson>(job) : null;

    public BootJson? Reboot(JobJson job) => job.Kind == JobKind.Reboot ? Result<BootJson>(job) : null;

    public DeletionJson? Deletion(JobJson job) => job.Kind == JobKind.DeleteGenerations ? Result<DeletionJson>(job) : null;

    public ServiceJson? Restart(JobJson job) => job.Kind == JobKind.Restart ? Result<ServiceJson>(job) : null;

    /// <summary>A job event's data as its record (<see cref="StepEvent"/>, <see cref="LogEvent"/>…), or null for a type this contract does not know.</summary>
    public object? Event(string type, string data) => type switch
    {
        JobEvent.Step => Deserialize<StepEvent>(data),
        JobEvent.Log => Deserialize<LogEvent>(data),
        JobEvent.Progress => Deserialize<ProgressEvent>(data),
        JobEvent.Done => Deserialize<DoneEvent>(data),
        _ => null,
    };

    private T? Result<T>(JobJson job) =>
        job.Result is { ValueKind: JsonValueKind.Object } result ? result.Deserialize(Type<T>()) : default;
}
