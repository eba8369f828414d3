namespace QiTech.Os.Services;

/// <summary>
/// The part of a systemd <c>.service</c> file the embedded supervisor honours. Paths are as
/// written in the file (logical: <c>/qitech/store/...</c>); <see cref="RootPathMapper"/> maps them.
/// </summary>
public sealed record ServiceUnit
{
    /// <summary>"qitech-control-server.service".</summary>
    public required string Name { get; init; }

    /// <summary>Where the definition came from, for messages.</summary>
    public required string SourcePath { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string> After { get; init; } = [];

    public IReadOnlyList<string> Requires { get; init; } = [];

    public IReadOnlyList<string> WantedBy { get; init; } = [];

    public ServiceType Type { get; init; } = ServiceType.Simple;

    public IReadOnlyList<ExecCommand> ExecStart { get; init; } = [];

    /// <summary>Environment= assignments in file order (later ones win).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    public IReadOnlyList<EnvironmentFileReference> EnvironmentFiles { get; init; } = [];

    public string? WorkingDirectory { get; init; }

    /// <summary>True for <c>WorkingDirectory=-/path</c>: a missing directory is not an error.</summary>
    public bool WorkingDirectoryOptional { get; init; }

    /// <summary>StateDirectory= names: folders under /var/lib made (and given to User=) before each start.</summary>
    public IReadOnlyList<string> StateDirectories { get; init; } = [];

    public string? User { get; init; }

    public string? Group { get; init; }

    public RestartPolicy Restart { get; init; } = RestartPolicy.No;

    /// <summary>systemd's default is 100 ms.</summary>
    public TimeSpan RestartSec { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>systemd's default is 90 s; null means infinity (never SIGKILL).</summary>
    public TimeSpan? TimeoutStopSec { get; init; } = TimeSpan.FromSeconds(90);
}

/// <summary>One <c>EnvironmentFile=</c> line; a leading '-' makes a missing file fine.</summary>
public sealed record EnvironmentFileReference(string Path, bool Optional);
