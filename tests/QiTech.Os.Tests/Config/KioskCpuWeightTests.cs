using QiTech.Os.Config.Modules;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Config;

/// <summary>The kiosk's session (its browser) yields the CPU to the machine's services; the VM suite checks systemd reads it.</summary>
public sealed class KioskCpuWeightTests : IDisposable
{
    private readonly ConfigFiles config = new();

    [Fact]
    public void The_kiosk_user_s_session_has_a_fifth_of_the_services_CPU_weight_and_without_a_kiosk_no_weight_is_set()
    {
        config.Write("main.yaml", "users:\n  users:\n    qitech: { isNormalUser: true }\nkiosk:\n  enable: true\n");
        var dropIn = config.Render().ReadText("etc/" + KioskModule.UserSliceDropIn);
        config.Write("main.yaml", "kiosk:\n  enable: false\n");
        var without = config.Render().ReadText("etc/" + KioskModule.UserSliceDropIn);

        Assert.NotNull(dropIn);
        Assert.Contains("[Slice]\nCPUWeight=20\n", dropIn, StringComparison.Ordinal);
        Assert.Null(without);
    }

    public void Dispose() => config.Dispose();
}
