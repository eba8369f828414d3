namespace QiTech.Os.Config;

/// <summary>What modules assert (a failure stops the build) and warn about (printed, build goes on).</summary>
public sealed class ConfigChecks(EvaluatedConfig config)
{
    private readonly List<ConfigException> failures = [];
    private readonly List<string> warnings = [];

    public IReadOnlyList<ConfigException> Failures => failures;

    public IReadOnlyList<string> Warnings => warnings;

    /// <summary>Fails the configuration unless the condition holds, at the place that defined the path.</summary>
    public void Assert(bool condition, OptionPath path, string message)
    {
        if (!condition)
        {
            failures.Add(ConfigException.AssertionFailed(config.LocationOf(path), path, message));
        }
    }

    public void Assert(bool condition, string dottedPath, string message) => Assert(condition, OptionPath.Parse(dottedPath), message);

    public void Warn(OptionPath path, string message) => warnings.Add($"{config.LocationOf(path)}: {path}: {message}");

    public void Warn(string dottedPath, string message) => Warn(OptionPath.Parse(dottedPath), message);
}
