using System.Text;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>boot.kernelParams</c> → the closure's <c>kernel-params</c> (one line, read by the boot
/// entries); <c>boot.kernel.sysctl</c> → <c>etc/sysctl.d/60-qitech.conf</c>.
/// </summary>
public sealed class BootModule : IConfigModule
{
    private static readonly OptionPath KernelParams = OptionPath.Parse("boot.kernelParams");
    private static readonly OptionPath Sysctl = OptionPath.Parse("boot.kernel.sysctl");

    public string Name => "boot";

    public void Declare(OptionSet options)
    {
        options.Declare("boot.kernelParams", ListOf(Matching(@"^[^\s""\p{Cc}]+$", "kernel parameter (no spaces or quotes)")), EmptyList,
            "Parameters for the kernel command line, in order.", "[preempt=full, isolcpus=2,3]");
        options.Declare("boot.kernel.sysctl", AttrsOf(Scalar), EmptySet,
            "Kernel settings applied at boot and on switch (sysctl.d); keys as in sysctl (net.core.rmem_max).", "{ vm.swappiness: 10 }");
    }

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        foreach (var key in config.Set("boot.kernel.sysctl").Keys)
        {
            checks.Assert(System.Text.RegularExpressions.Regex.IsMatch(key, @"^[A-Za-z0-9_*./-]+$"), Sysctl.Append(key), "a sysctl key holds letters, digits and _ * . / - only");
        }
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        tree.AddFile("kernel-params", string.Join(' ', config.Strings("boot.kernelParams")) + "\n", config.LocationOf(KernelParams), KernelParams);
        var sysctl = config.Set("boot.kernel.sysctl");
        if (sysctl.Count == 0)
        {
            return;
        }
        var text = new StringBuilder("# Generated from boot.kernel.sysctl\n");
        foreach (var (key, value) in sysctl)
        {
            var rendered = value is bool b ? (b ? "1" : "0") : Types.ScalarValueType.Render(value);
            // sysctl.d has no quoting or escapes: a value is the rest of its line.
            if (rendered.Contains('\n') || rendered.Contains('\r') || TextChecks.ControlCharacter(rendered) != null)
            {
                throw ConfigException.At(config.LocationOf(Sysctl.Append(key)), Sysctl.Append(key), "a sysctl value must be one line without control characters");
            }
            text.Append(key).Append(" = ").Append(rendered).Append('\n');
        }
        tree.AddFile("etc/sysctl.d/60-qitech.conf", text.ToString(), config.LocationOf(Sysctl), Sysctl);
    }
}
