using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Config;

/// <summary>Malformed configurations: each gives one line naming file:line:col, the option and the cause.</summary>
public sealed class ConfigErrorTests
{
    private const string Server = "packages:\n  qitech-control-server:\n    path: ./server\n";

    public static TheoryData<string, string[], string> Cases => new()
    {
        {
            "unknown option with a suggestion",
            ["main.yaml", "services:\n  qitech:\n    prot: 3002\n"],
            "{dir}/main.yaml:3:5: services.qitech.prot: unknown option; did you mean 'services.qitech.port'?"
        },
        {
            "a project path climbing out of its source",
            ["main.yaml", "packages:\n  app:\n    dotnet:\n      source: .\n      project: ../other/app.csproj\n"],
            "{dir}/main.yaml:5:16: packages.app.dotnet.project: expected relative path of a project file, got string '../other/app.csproj'"
        },
        {
            "a project that is not in the source",
            ["main.yaml", "packages:\n  app:\n    dotnet:\n      source: .\n      project: app.csproj\n"],
            "{dir}/main.yaml:5:16: packages.app.dotnet.project: assertion failed: no project 'app.csproj' in {dir}"
        },
        {
            "a .NET source without a project",
            ["main.yaml", "packages:\n  app:\n    dotnet:\n      source: .\n"],
            "{dir}/main.yaml:2:3: packages.app: assertion failed: set exactly one of path, storePath, build.script and dotnet.project"
        },
        {
            "a NativeAOT publish without a runtime identifier",
            ["main.yaml", "packages:\n  app:\n    dotnet:\n      source: .\n      project: app.csproj\n      nativeAot: true\n", "app.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n"],
            "{dir}/main.yaml:6:18: packages.app.dotnet.nativeAot: assertion failed: a NativeAOT publish needs dotnet.runtime"
        },
        {
            "a ReadyToRun publish without a runtime identifier",
            ["main.yaml", "packages:\n  app:\n    dotnet:\n      source: .\n      project: app.csproj\n      readyToRun: true\n", "app.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n"],
            "{dir}/main.yaml:6:19: packages.app.dotnet.readyToRun: assertion failed: a ReadyToRun publish needs dotnet.runtime"
        },
        {
            "ReadyToRun and NativeAOT at once",
            ["main.yaml", "packages:\n  app:\n    dotnet:\n      source: .\n      project: app.csproj\n      runtime: linux-x64\n      nativeAot: true\n      readyToRun: true\n", "app.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n"],
            "{dir}/main.yaml:8:19: packages.app.dotnet.readyToRun: assertion failed: set readyToRun or nativeAot, not both: a NativeAOT program has no IL left to precompile"
        },
        {
            "a build source that is a file",
            ["main.yaml", "packages:\n  tool:\n    build:\n      script: mkdir $out\n      source: main.yaml\n"],
            "{dir}/main.yaml:5:15: packages.tool.build.source: path 'main.yaml' is not a directory"
        },
        {
            "unknown top-level option without a close name",
            ["main.yaml", "system:\n  hostName: a\nwallpaper: blue.png\n"],
            "{dir}/main.yaml:3:1: wallpaper: unknown option"
        },
        {
            "unknown option inside a submodule",
            ["main.yaml", "users:\n  users:\n    anna:\n      isNormalUsr: true\n"],
            "{dir}/main.yaml:4:7: users.users.anna.isNormalUsr: unknown option; did you mean 'users.users.anna.isNormalUser'?"
        },
        {
            "string where an int belongs",
            ["main.yaml", "services:\n  qitech:\n    port: http\n"],
            "{dir}/main.yaml:3:11: services.qitech.port: expected int between 1 and 65535, got string 'http'"
        },
        {
            "port out of range",
            ["main.yaml", "services:\n  qitech:\n    port: 70000\n"],
            "{dir}/main.yaml:3:11: services.qitech.port: expected int between 1 and 65535, got int 70000"
        },
        {
            "yes is not a bool in YAML 1.2",
            ["main.yaml", "kiosk:\n  enable: yes\n"],
            "{dir}/main.yaml:2:11: kiosk.enable: expected bool, got string 'yes'"
        },
        {
            "int where a string belongs",
            ["main.yaml", "system:\n  hostName: 123\n"],
            "{dir}/main.yaml:2:13: system.hostName: expected host name (lower-case letters, digits and '-', at most 63), got int 123"
        },
        {
            "host name with invalid characters",
            ["main.yaml", "system:\n  hostName: \"Line_1\"\n"],
            "{dir}/main.yaml:2:13: system.hostName: expected host name (lower-case letters, digits and '-', at most 63), got string 'Line_1'"
        },
        {
            "value outside an enum",
            ["main.yaml", "services:\n  qitech:\n    restart: sometimes\n"],
            "{dir}/main.yaml:3:14: services.qitech.restart: expected one of \"always\", \"on-failure\", \"on-abnormal\", \"on-abort\", \"no\", got string 'sometimes'"
        },
        {
            "scalar where a list belongs",
            ["main.yaml", "boot:\n  kernelParams: preempt=full\n"],
            "{dir}/main.yaml:2:17: boot.kernelParams: expected list of kernel parameter (no spaces or quotes), got string 'preempt=full'"
        },
        {
            "wrong list element names its index",
            ["main.yaml", "networking:\n  firewall:\n    allowedTCPPorts: [22, ssh]\n"],
            "{dir}/main.yaml:3:27: networking.firewall.allowedTCPPorts.1: expected int between 1 and 65535, got string 'ssh'"
        },
        {
            "scalar where a set of options belongs",
            ["main.yaml", "services: 3\n"],
            "{dir}/main.yaml:1:11: services: expected a set of options, got int 3"
        },
        {
            "conflicting values in two files name both places",
            ["main.yaml", "imports: [a.yaml, b.yaml]\n", "a.yaml", "services:\n  qitech:\n    port: 3001\n", "b.yaml", "services:\n  qitech:\n    port: 3002\n"],
            "{dir}/b.yaml:3:11: services.qitech.port: conflicting values 3002 here and 3001 at {dir}/a.yaml:3:11; mark one !force or !default"
        },
        {
            "a file's value conflicting with a module's",
            ["main.yaml", Server + "services:\n  qitech:\n    enable: true\nsystemd:\n  services:\n    qitech-control-server:\n      serviceConfig:\n        User: root\n", "server/bin/qitech-control-server", "#!/bin/sh\n"],
            "{dir}/main.yaml:11:15: systemd.services.qitech-control-server.serviceConfig.User: conflicting values 'root' here and 'qitech-service' at module services.qitech; mark one !force or !default"
        },
        {
            "missing import",
            ["main.yaml", "imports:\n  - hardware.yaml\n"],
            "{dir}/main.yaml:2:5: imports: imported file 'hardware.yaml' does not exist"
        },
        {
            "import cycle",
            ["main.yaml", "imports: [a.yaml]\n", "a.yaml", "imports: [b.yaml]\n", "b.yaml", "imports:\n  - a.yaml\n"],
            "{dir}/b.yaml:2:5: imports: import cycle: a.yaml -> b.yaml -> a.yaml"
        },
        {
            "YAML syntax error",
            ["main.yaml", "system:\n  hostName: [qitech\n"],
            "{dir}/main.yaml:3:1: YAML syntax: While parsing a flow sequence, did not find expected ',' or ']'."
        },
        {
            "duplicate key",
            ["main.yaml", "system:\n  hostName: a\n  hostName: b\n"],
            "{dir}/main.yaml:3:3: YAML syntax: Duplicate key hostName"
        },
        {
            "unknown tag",
            ["main.yaml", "services:\n  qitech:\n    port: !forced 3002\n"],
            "{dir}/main.yaml:3:11: unknown tag '!forced' (known: !force, !default)"
        },
        {
            "two documents in one file",
            ["main.yaml", "system:\n  hostName: a\n---\nsystem:\n  hostName: b\n"],
            "{dir}/main.yaml:4:1: a configuration file holds one YAML document"
        },
        {
            "a user that is neither normal nor a system user",
            ["main.yaml", "users:\n  users:\n    anna:\n      description: Anna\n"],
            "{dir}/main.yaml:3:5: users.users.anna: assertion failed: exactly one of isNormalUser and isSystemUser must be true"
        },
        {
            "a primary group nobody declared",
            ["main.yaml", "users:\n  users:\n    anna:\n      isNormalUser: true\n      group: operators\n"],
            "{dir}/main.yaml:5:14: users.users.anna.group: assertion failed: group 'operators' is not declared in users.groups"
        },
        {
            "an etc file with both text and source",
            ["main.yaml", "environment:\n  etc:\n    motd:\n      text: hi\n      source: ./motd\n", "motd", "hello\n"],
            "{dir}/main.yaml:3:5: environment.etc.motd: assertion failed: set exactly one of text and source"
        },
        {
            "an etc path leaving /etc",
            ["main.yaml", "environment:\n  etc:\n    \"../shadow\":\n      text: x\n"],
            "{dir}/main.yaml:3:5: environment.etc.\"../shadow\": assertion failed: '../shadow' must be a relative path without '.' or '..'"
        },
        {
            "a service package nobody declared",
            ["main.yaml", "services:\n  qitech:\n    enable: true\n"],
            "{dir}/main.yaml:2:3: services.qitech.package: assertion failed: package 'qitech-control-server' is not declared under packages"
        },
        {
            "a package directory that does not exist",
            ["main.yaml", "packages:\n  server:\n    path: ./prebuilt/server\n"],
            "{dir}/main.yaml:3:11: packages.server.path: path './prebuilt/server' does not exist"
        },
        {
            "a kiosk user that is not a normal user",
            ["main.yaml", "kiosk:\n  enable: true\n  user: operator\n"],
            "{dir}/main.yaml:3:9: kiosk.user: assertion failed: kiosk user 'operator' must be a normal user in users.users"
        },
        {
            "an environment variable name a shell cannot hold",
            ["main.yaml", "environment:\n  variables:\n    \"MY-VAR\": 1\n"],
            "{dir}/main.yaml:3:5: environment.variables.MY-VAR: assertion failed: 'MY-VAR' is not a valid variable name"
        },
        {
            "a unit name systemd refuses",
            ["main.yaml", "systemd:\n  services:\n    \"my service\":\n      serviceConfig:\n        ExecStart: /bin/true\n"],
            "{dir}/main.yaml:3:5: systemd.services.\"my service\": assertion failed: 'my service' is not a valid unit name"
        },
        {
            "a service without ExecStart",
            ["main.yaml", "systemd:\n  services:\n    worker:\n      description: Worker\n"],
            "{dir}/main.yaml:3:5: systemd.services.worker.serviceConfig: assertion failed: a service needs serviceConfig.ExecStart"
        },
        {
            "a unit setting holding a newline",
            ["main.yaml", "systemd:\n  services:\n    worker:\n      serviceConfig:\n        ExecStart: \"/bin/true\\nUser=root\"\n"],
            "{dir}/main.yaml:5:9: systemd.services.worker.serviceConfig.ExecStart: setting ExecStart must be one line"
        },
        {
            "a login limit that is not a number",
            ["main.yaml", "security:\n  loginLimits:\n    - { domain: \"@realtime\", item: rtprio, value: lots }\n"],
            "{dir}/main.yaml:3:51: security.loginLimits.0.value: assertion failed: a limit is a number, unlimited or infinity"
        },
        {
            "an etc file that a module already makes",
            ["main.yaml", "system:\n  hostName: line-2\nenvironment:\n  etc:\n    hostname:\n      text: other\n"],
            "{dir}/main.yaml:5:5: environment.etc.hostname: file etc/hostname is also made by system.hostName ({dir}/main.yaml:2:13)"
        },
        {
            "a program path that would break out of the kiosk's shell command",
            ["main.yaml", "kiosk:\n  browser: '/usr/bin/chromium\" ; reboot ; \"'\n"],
            "{dir}/main.yaml:2:12: kiosk.browser: expected absolute path, got string '/usr/bin/chromium\" ; reboot ; \"'"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gives_one_line_with_the_place(string what, string[] files, string expected)
    {
        using var config = new ConfigFiles();
        for (var i = 0; i < files.Length; i += 2)
        {
            config.Write(files[i], files[i + 1]);
        }
        Assert.True(expected == config.Error(), $"{what}: {config.Error()}");
    }

    [Fact]
    public void There_are_at_least_twenty_cases() => Assert.True(Cases.Count >= 20);
}
