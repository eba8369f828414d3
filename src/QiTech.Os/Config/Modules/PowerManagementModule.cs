using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>powerManagement.cpuFreqGovernor</c>: the kernel's default governor at boot
/// (<c>cpufreq.default_governor=</c>) and a <c>cpufreq</c> unit, as NixOS's, that sets it on
/// every CPU — intel_pstate ignores the kernel's default, and a switch applies it without a reboot.
/// </summary>
public sealed class PowerManagementModule : IConfigModule
{
    public const string UnitName = "cpufreq";
    private const string Governors = "/sys/devices/system/cpu/cpu*/cpufreq/scaling_governor";

    public string Name => "powerManagement";

    public void Declare(OptionSet options) =>
        options.Declare("powerManagement.cpuFreqGovernor", NullOr(Enum("performance", "powersave", "ondemand", "conservative", "schedutil")), null,
            "The CPU frequency governor of every CPU; null leaves the kernel's. Where the machine has no frequency scaling (a VM) nothing is done.",
            "performance");

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        if (config.NullableString("powerManagement.cpuFreqGovernor") is not { } governor)
        {
            return;
        }
        contributions.Set("boot.kernelParams", List("cpufreq.default_governor=" + governor));
        contributions.Set("systemd.services." + UnitName, new Dictionary<string, object?>
        {
            ["description"] = "CPU frequency governor " + governor,
            ["wantedBy"] = List("multi-user.target"),
            ["unitConfig"] = new Dictionary<string, object?> { ["ConditionPathExists"] = "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor" },
            ["serviceConfig"] = new Dictionary<string, object?>
            {
                ["Type"] = "oneshot",
                ["RemainAfterExit"] = true,
                // governor is one of the enum's words; the glob is the shell's.
                ["ExecStart"] = $"/bin/sh -c 'echo {governor} | tee {Governors} >/dev/null'",
            },
        });
    }
}
