using QiTech.Os.Sources;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// Where the machine updates from: <c>system.update.source</c> and <c>system.update.configFile</c>
/// → the closure's <c>update-settings</c>, which the daemon and the CLI read from the running
/// system when a request names neither (an override set from the UI still wins over the source);
/// on a whole OS, <c>system.update.mountRemovableMedia</c> mounts USB sticks where the Update
/// page finds offline bundles.
/// </summary>
public sealed class UpdateModule : IConfigModule
{
    private static readonly OptionPath Source = OptionPath.Parse("system.update.source");
    private static readonly OptionPath ConfigFile = OptionPath.Parse("system.update.configFile");
    private static readonly OptionPath MountRemovableMedia = OptionPath.Parse("system.update.mountRemovableMedia");

    /// <summary>
    /// A filesystem on a USB disk is mounted read-only, without device nodes, set-uid or programs,
    /// under /media/usb-KERNELNAME by systemd (a transient mount unit bound to the device, gone when
    /// the stick is pulled). systemd-mount, not mount: udev kills long programs and its mounts would
    /// live in udev's own namespace. The kernel name (sda1), not the stick's label, names the folder.
    /// </summary>
    internal const string RemovableMediaRule =
        "ACTION==\"add\", SUBSYSTEM==\"block\", SUBSYSTEMS==\"usb\", ENV{ID_FS_USAGE}==\"filesystem\", "
        + "RUN{program}+=\"/usr/bin/systemd-mount --no-block --collect --fsck=no --options=ro,nosuid,nodev,noexec $devnode /media/usb-%k\"";

    public string Name => "system.update";

    public void Declare(OptionSet options)
    {
        options.Declare("system.update.source", NullOr(Str), null,
            "The git repository this machine updates from (https, ssh or a local path); null: the one the running system was built from.",
            "https://git.example.com/machines/extruder.git");
        options.Declare("system.update.configFile", NullOr(Matching(@"^(?!.*(^|/)\.\.?(/|$))[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*\.ya?ml$", "relative path of a YAML file")),
            null, "The configuration file an update builds, relative to the root of the chosen commit; null: machine.yaml there, else configuration/machine.yaml.", "configuration/machine.yaml");
        options.Declare("system.update.mountRemovableMedia", Bool, true,
            "On a whole OS (system.base.enable): a USB stick's filesystem is mounted read-only (no programs, devices or set-uid) under "
            + "/media/usb-NAME as it is plugged in, so the Update page's \"Install from USB\" lists the bundles on it; unmounted when pulled.");
    }

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        if (BaseModule.Enabled(config) && config.Get(MountRemovableMedia) is true)
        {
            contributions.Set("services.udev.extraRules", $"""
                # Generated from system.update.mountRemovableMedia: USB sticks are mounted read-only where the Update page looks for bundles.
                {RemovableMediaRule}

                """);
        }
    }

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        if (config.Get(Source) is string url)
        {
            checks.Assert(SourceUrl.TryParse(url, out _, out var error), Source, $"'{GitRefName.Printable(url)}' {error.Describe()}");
        }
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        var settings = new UpdateSettingsFile(config.Get(Source) as string, config.Get(ConfigFile) as string);
        tree.AddFile(UpdateSettingsFile.FileName, settings.Format(), config.LocationOf(ConfigFile), ConfigFile);
    }
}
