using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Config;

/// <summary>
/// system.daemon.group: the control server's user and the kiosk's user end up in the group
/// the daemon admits, so the server may ask the daemon for changes and the kiosk's browser is
/// the machine's own screen; the server learns the group from its unit.
/// </summary>
public sealed class DaemonGroupTests
{
    private const string Machine = """
        packages:
          qitech-control-server: { path: ./server }
        services:
          qitech: { enable: true }
        users:
          users:
            operator: { isNormalUser: true }
        kiosk: { enable: true, user: operator }

        """;

    private static ConfigFiles Files(string extra = "")
    {
        var config = new ConfigFiles();
        config.Write("server/bin/qitech-control-server", "#!/bin/sh\n");
        config.Write("main.yaml", Machine + extra);
        return config;
    }

    [Fact]
    public void Should_make_the_server_and_kiosk_users_members_of_the_default_group()
    {
        using var config = Files();

        var tree = config.Render();
        var sysusers = tree.ReadText("etc/sysusers.d/qitech.conf")!;

        Assert.Contains("g qitech -\n", sysusers, StringComparison.Ordinal);
        Assert.Contains("m operator qitech\n", sysusers, StringComparison.Ordinal);
        Assert.Contains("m qitech-service qitech\n", sysusers, StringComparison.Ordinal);
        Assert.Contains("Environment=\"ControlServer__DaemonGroup=qitech\"", tree.ReadText("etc/systemd/system/qitech-control-server.service"), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_follow_another_group_and_leave_a_user_whose_own_group_it_is()
    {
        using var config = Files("""
            system:
              daemon:
                group: operator

            """);

        var tree = config.Render();
        var sysusers = tree.ReadText("etc/sysusers.d/qitech.conf")!;

        // operator's own group is created by its user line and is its primary group already.
        Assert.DoesNotContain("g operator", sysusers, StringComparison.Ordinal);
        Assert.DoesNotContain("m operator operator", sysusers, StringComparison.Ordinal);
        Assert.Contains("m qitech-service operator\n", sysusers, StringComparison.Ordinal);
        Assert.DoesNotContain(" qitech\n", sysusers, StringComparison.Ordinal);
        Assert.Contains("Environment=\"ControlServer__DaemonGroup=operator\"", tree.ReadText("etc/systemd/system/qitech-control-server.service"), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_add_nothing_when_neither_server_nor_kiosk_runs()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "system:\n  hostName: bare\n");

        Assert.Null(config.Render().ReadText("etc/sysusers.d/qitech.conf"));
    }
}
