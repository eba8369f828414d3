using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using QiTech.Os.Activation;
using QiTech.Os.Contract;
using QiTech.Os.Health;
using QiTech.Os.Jobs;
using QiTech.Os.Nix;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Contract;

/// <summary>docs/daemon-api.md against the one contract: every endpoint and every record's fields are documented.</summary>
public sealed class DaemonApiDocumentTests
{
    private static readonly string Document = File.ReadAllText(RepoFiles.Combine("docs", "daemon-api.md"));

    /// <summary>The records the context serialises, and the records their fields hold.</summary>
    private static IReadOnlyCollection<Type> Records()
    {
        var roots = typeof(DaemonJsonContext).GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(JsonSerializableAttribute))
            .Select(a => (Type)a.ConstructorArguments[0].Value!);
        var found = new HashSet<Type>();
        var next = new Queue<Type>(roots);
        while (next.TryDequeue(out var type))
        {
            var element = Nullable.GetUnderlyingType(type) ?? (type.IsGenericType ? type.GetGenericArguments()[0] : type);
            if (element.GetMethod("<Clone>$") != null && found.Add(element))
            {
                foreach (var property in element.GetProperties())
                {
                    next.Enqueue(property.PropertyType);
                }
            }
        }
        return found;
    }

    [Fact]
    public void Every_endpoint_of_the_contract_is_in_the_document()
    {
        var missing = DaemonEndpoints.All.Where(e => !Document.Contains(e.ToString(), StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, "docs/daemon-api.md misses: " + string.Join(", ", missing));
        Assert.Equal(DaemonEndpoints.All.Count, DaemonEndpoints.All.Select(e => e.ToString()).Distinct().Count());
    }

    [Fact]
    public void Every_field_of_every_record_is_in_the_document()
    {
        var json = new DaemonJson(new StoreDirectory(StoreDirectory.Default));

        var missing = Records()
            .SelectMany(type => json.Options.GetTypeInfo(type).Properties
                .Where(p => p.AttributeProvider?.IsDefined(typeof(JsonIgnoreAttribute), inherit: false) != true)
                .Select(p => (Record: type.Name, Field: p.Name)))
            .Where(f => !Regex.IsMatch(Document, $@"\b{Regex.Escape(f.Field)}\b"))
            .Select(f => $"{f.Record}.{f.Field}")
            .ToList();

        Assert.True(missing.Count == 0, "docs/daemon-api.md misses: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_record_of_the_contract_is_serialised_by_its_context()
    {
        var records = typeof(DaemonJson).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(DaemonJson).Namespace && t.IsPublic && t.GetMethod("<Clone>$") != null && t != typeof(DaemonEndpoint));

        var missing = records.Except(Records()).Select(t => t.Name).ToList();

        Assert.True(missing.Count == 0, "not in DaemonJsonContext: " + string.Join(", ", missing));
    }

    [Fact]
    public void A_job_is_written_without_the_clients_shorthands()
    {
        var json = new DaemonJson(new StoreDirectory(StoreDirectory.Default));
        var job = new JobJson(7, JobKind.Gc, JobState.Running, [new JobStepJson("gc", JobState.Running, 40)], null, null, DateTimeOffset.UnixEpoch, null, null);

        Assert.Equal(
            """{"id":7,"kind":"gc","state":"running","steps":[{"name":"gc","state":"running","percent":40,"secondsLeft":null,"started":null,"finished":null,"part":null}],"error":null,"exitCode":null,"created":"1970-01-01T00:00:00+00:00","finished":null,"result":null}""",
            json.Serialize(job));
    }

    [Fact]
    public void Enum_values_are_written_as_the_document_writes_them()
    {
        var json = new DaemonJson(new StoreDirectory(StoreDirectory.Default));

        Assert.Equal("\"dry-activate\"", json.Serialize(ActivationMode.DryActivate));
        Assert.Equal("\"delete-generations\"", json.Serialize(JobKind.DeleteGenerations));
        Assert.Equal("\"boot-once\"", json.Serialize(JobKind.BootOnce));
        foreach (var kind in Enum.GetValues<JobKind>())
        {
            Assert.Contains($"`{DaemonJson.WireName(kind)}`", Document);
        }
    }
}
