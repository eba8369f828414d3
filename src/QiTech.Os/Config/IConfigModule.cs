namespace QiTech.Os.Config;

/// <summary>
/// A piece of the system, as a NixOS module: the options it declares, what it defines for
/// other options when enabled, what it checks, and the files it puts into the system.
/// </summary>
public interface IConfigModule
{
    /// <summary>The name errors show for its definitions ("services.qitech").</summary>
    string Name { get; }

    void Declare(OptionSet options);

    /// <summary>Definitions for other options; called again until nothing changes.</summary>
    void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
    }

    void Check(EvaluatedConfig config, ConfigChecks checks)
    {
    }

    void Render(EvaluatedConfig config, SystemTree tree)
    {
    }
}
