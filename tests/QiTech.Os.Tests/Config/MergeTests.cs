using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Config;

/// <summary>How definitions from several files and modules merge, as NixOS merges them.</summary>
public sealed class MergeTests
{
    [Fact]
    public void Lists_concatenate_imports_first()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "imports: [base.yaml]\nboot:\n  kernelParams: [quiet]\n");
        config.Write("base.yaml", "boot:\n  kernelParams: [preempt=full, \"isolcpus=2,3\"]\n");
        Assert.Equal(["preempt=full", "isolcpus=2,3", "quiet"], config.Evaluate().Config.Strings("boot.kernelParams"));
        Assert.Equal("preempt=full isolcpus=2,3 quiet\n", config.Render().ReadText("kernel-params"));
    }

    [Fact]
    public void Sets_merge_name_by_name_and_deep_inside()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "imports: [a.yaml, b.yaml]\n");
        config.Write("a.yaml", "users:\n  users:\n    anna: { isNormalUser: true, extraGroups: [video] }\n");
        config.Write("b.yaml", "users:\n  users:\n    anna: { extraGroups: [realtime], description: Anna }\n    ben: { isSystemUser: true }\n");
        var users = config.Evaluate().Config.Set("users.users");
        Assert.Equal(["anna", "ben"], users.Keys);
        var anna = (IReadOnlyDictionary<string, object?>)users["anna"]!;
        Assert.Equal(true, anna["isNormalUser"]);
        Assert.Equal("Anna", anna["description"]);
        Assert.Equal(["video", "realtime"], ((IReadOnlyList<object?>)anna["extraGroups"]!).Cast<string>());
    }

    [Fact]
    public void The_same_value_twice_is_no_conflict()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "imports: [a.yaml]\nservices:\n  qitech:\n    port: 3005\n");
        config.Write("a.yaml", "services:\n  qitech:\n    port: 3005\n");
        Assert.Equal(3005L, config.Evaluate().Config.Int("services.qitech.port"));
    }

    [Fact]
    public void Force_beats_a_plain_value_whatever_the_order()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "imports: [a.yaml]\nservices:\n  qitech:\n    port: 3002\n");
        config.Write("a.yaml", "services:\n  qitech:\n    port: !force 4000\n");
        Assert.Equal(4000L, config.Evaluate().Config.Int("services.qitech.port"));
    }

    [Fact]
    public void A_plain_value_beats_default_and_default_beats_the_options_default()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "imports: [a.yaml]\nsystem:\n  hostName: line-7\n");
        config.Write("a.yaml", "system:\n  hostName: !default base\nservices:\n  qitech:\n    port: !default 3100\n");
        var evaluated = config.Evaluate().Config;
        Assert.Equal("line-7", evaluated.String("system.hostName"));
        Assert.Equal(3100L, evaluated.Int("services.qitech.port"));
    }

    [Fact]
    public void Two_forces_that_disagree_still_conflict()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "imports: [a.yaml]\nsystem:\n  hostName: !force b\n");
        config.Write("a.yaml", "system:\n  hostName: !force a\n");
        Assert.Equal("{dir}/main.yaml:3:13: system.hostName: conflicting values 'b' here and 'a' at {dir}/a.yaml:2:13; mark one !force or !default", config.Error());
    }

    [Fact]
    public void Force_on_a_list_replaces_the_other_definitions()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "imports: [a.yaml]\nboot:\n  kernelParams: !force [nomodeset]\n");
        config.Write("a.yaml", "boot:\n  kernelParams: [quiet, splash]\n");
        Assert.Equal(["nomodeset"], config.Evaluate().Config.Strings("boot.kernelParams"));
    }

    [Fact]
    public void A_tag_on_a_mapping_holds_for_everything_inside()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "imports: [a.yaml]\nservices:\n  qitech: !default\n    port: 3002\n    restart: on-failure\n");
        config.Write("a.yaml", "services:\n  qitech:\n    port: 3009\n");
        var evaluated = config.Evaluate().Config;
        Assert.Equal(3009L, evaluated.Int("services.qitech.port"));
        Assert.Equal("on-failure", evaluated.String("services.qitech.restart"));
    }

    [Fact]
    public void A_file_overrides_what_a_module_sets_as_default()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "users:\n  users:\n    qitech: { isNormalUser: true }\nkiosk:\n  enable: true\nsystemd:\n  defaultUnit: multi-user.target\n  targets:\n    sleep: { enable: true }\n");
        var evaluated = config.Evaluate().Config;
        Assert.Equal("multi-user.target", evaluated.String("systemd.defaultUnit"));
        var tree = SystemBuilderTree(config);
        Assert.False(tree.Contains("etc/systemd/system/sleep.target"));
        Assert.True(tree.Contains("etc/systemd/system/suspend.target"));
    }

    [Fact]
    public void Enable_gates_a_whole_module()
    {
        using var config = new ConfigFiles();
        config.Write("server/bin/qitech-control-server", "#!/bin/sh\n");
        config.Write("main.yaml", "packages:\n  qitech-control-server: { path: ./server }\nservices:\n  qitech:\n    enable: false\n    port: 3002\n");
        var off = config.Render();
        Assert.DoesNotContain(off.Paths, p => p.Contains("qitech-control-server", StringComparison.Ordinal));
        Assert.DoesNotContain("qitech-service", off.ReadText("configuration.json")!.Split("\"users\"")[1], StringComparison.Ordinal);
        config.Write("main.yaml", "packages:\n  qitech-control-server: { path: ./server }\nservices:\n  qitech:\n    enable: true\n    port: 3002\n");
        var on = config.Render();
        Assert.Contains("Environment=\"ControlServer__Port=3002\"", on.ReadText("etc/systemd/system/qitech-control-server.service"), StringComparison.Ordinal);
        Assert.Contains("u qitech-service", on.ReadText("etc/sysusers.d/qitech.conf"), StringComparison.Ordinal);
        // The HTTP port is loopback only: the firewall never opens it.
        Assert.DoesNotContain("3002", on.ReadText("etc/nftables/qitech-firewall.nft"), StringComparison.Ordinal);
    }

    [Fact]
    public void Lines_from_several_files_are_joined()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "imports: [a.yaml]\nservices:\n  udev:\n    extraRules: 'SUBSYSTEM==\"hidraw\", MODE=\"0660\"'\n");
        config.Write("a.yaml", "services:\n  udev:\n    extraRules: |\n      SUBSYSTEM==\"tty\", MODE=\"0660\"\n");
        Assert.Equal("# Generated from services.udev.extraRules\nSUBSYSTEM==\"tty\", MODE=\"0660\"\nSUBSYSTEM==\"hidraw\", MODE=\"0660\"\n",
            config.Render().ReadText("etc/udev/rules.d/99-qitech.rules"));
    }

    [Fact]
    public void Unit_settings_as_lists_concatenate_and_give_one_line_each()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "imports: [a.yaml]\nsystemd:\n  services:\n    worker:\n      serviceConfig:\n        ExecStartPre: [/bin/b]\n");
        config.Write("a.yaml", "systemd:\n  services:\n    worker:\n      wantedBy: [multi-user.target]\n      serviceConfig:\n        ExecStart: /bin/worker\n        ExecStartPre: [/bin/a]\n");
        var tree = config.Render();
        var unit = tree.ReadText("etc/systemd/system/worker.service")!;
        Assert.Contains("ExecStart=/bin/worker\nExecStartPre=/bin/a\nExecStartPre=/bin/b\n", unit, StringComparison.Ordinal);
        Assert.True(tree.Contains("etc/systemd/system/multi-user.target.wants/worker.service"));
    }

    [Fact]
    public void A_diamond_import_is_read_once()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "imports: [a.yaml, b.yaml]\n");
        config.Write("a.yaml", "imports: [common.yaml]\n");
        config.Write("b.yaml", "imports: [./common.yaml]\n");
        config.Write("common.yaml", "boot:\n  kernelParams: [quiet]\n");
        Assert.Equal(["quiet"], config.Evaluate().Config.Strings("boot.kernelParams"));
    }

    [Fact]
    public void Warnings_name_the_place_and_do_not_stop_the_build()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "networking:\n  firewall:\n    enable: false\n    allowedTCPPorts: [22]\n");
        var warnings = config.Evaluate().Warnings;
        Assert.Equal([$"{config.Dir}/main.yaml:4:22: networking.firewall.allowedTCPPorts: the firewall is disabled, so every port is open anyway"], warnings);
    }

    [Fact]
    public void An_empty_configuration_still_has_etc_sw_and_the_release()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "");
        var tree = config.Render();
        // The firewall is on unless turned off, the version variables reach every service and session, and updates know which file to build.
        Assert.Equal([
            "configuration.json", "etc", "etc/environment", "etc/hostname", "etc/nftables/qitech-firewall.nft", "etc/qitech-os-release",
            "etc/systemd/system.conf.d/qitech-environment.conf", "etc/systemd/system/default.target",
            "etc/systemd/system/multi-user.target.wants/qitech-firewall.service", "etc/systemd/system/qitech-firewall.service",
            "kernel-params", "qitech-os-release", "sw", "update-settings",
        ], tree.Paths);
    }

    private static QiTech.Os.Config.SystemTree SystemBuilderTree(ConfigFiles config) => config.Render();
}
