using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Cache;

namespace QiTech.Control.Server.Tests.EndToEnd;

/// <summary>
/// A machine that trusts the bundle key <see cref="Key"/> (<c>usb-1</c>) from its first version on.
/// v1.0.0's service takes seconds to stop (it ignores SIGTERM until TimeoutStopSec), so a switch
/// away from it spends that long in activation proper; v2.0.0's health check never passes
/// within ten minutes, so its health wait lasts until a cancel; v3.0.0, with a CHANGELOG, travels
/// on a USB stick.
/// </summary>
public sealed class BundleMachineFixture : UpdateMachineFixture
{
    public NixSecretKey Key { get; } = NixSecretKey.Generate("usb-1");

    protected override void Populate(MachineRepository repository)
    {
        var trusts = $"""
              update:
                trustedPublicKeys: ["{Key.PublicKey.Render()}"]

            """;
        repository.Release("v1.0.0", MachineYaml("v1.0.0", trusts).Replace(
            "ExecStart: /bin/sh -c 'echo machine v1.0.0 started; exec sleep 100000'",
            "ExecStart: /bin/sh -c 'trap \"\" TERM; echo machine v1.0.0 started; while :; do sleep 1; done'\n        TimeoutStopSec: 8",
            StringComparison.Ordinal));
        repository.Release("v2.0.0", MachineYaml("v2.0.0", trusts) + """
                  healthCheck:
                    command: /bin/false
                    deadlineSec: 600

            """);
        repository.Release("v3.0.0", MachineYaml("v3.0.0", trusts), ("CHANGELOG.md", "# Changelog\n\n## 3.0.0\n- the machine greets from the USB stick\n"));
    }
}
