using QiTech.Os.Config;
using QiTech.Os.Services;

namespace QiTech.Os.Tests.Services;

public sealed class UnitFileParserTests
{
    private static ServiceUnit Parse(string text, string name = "x.service") => UnitFileParser.Parse(name, text, "/s/" + name);

    [Fact]
    public void Reads_every_supported_key()
    {
        var unit = Parse("""
            # a comment
            [Unit]
            Description=The server
            After=network.target db.service
            Requires=db.service

            [Service]
            Type=simple
            ExecStart=-/qitech/store/abc-server/bin/server --port 3001 \
              --name "machine one"
            Environment="A=1 2" B=3
            EnvironmentFile=-/etc/qitech/server.env
            WorkingDirectory=/var/lib/qitech/server
            User=qitech
            Group=qitech
            Restart=on-failure
            RestartSec=1min 30s
            TimeoutStopSec=500ms
            ProtectSystem=strict

            [Install]
            WantedBy=multi-user.target
            """);

        Assert.Equal("The server", unit.Description);
        Assert.Equal(["network.target", "db.service"], unit.After);
        Assert.Equal(["db.service"], unit.Requires);
        Assert.Equal(["multi-user.target"], unit.WantedBy);
        var exec = Assert.Single(unit.ExecStart);
        Assert.True(exec.IgnoreFailure);
        // Joined as systemd joins: the backslash becomes a space, the next line comes as it is.
        Assert.Equal("/qitech/store/abc-server/bin/server --port 3001    --name \"machine one\"", exec.CommandLine);
        Assert.Equal([new("A", "1 2"), new("B", "3")], unit.Environment);
        Assert.Equal(new EnvironmentFileReference("/etc/qitech/server.env", true), Assert.Single(unit.EnvironmentFiles));
        Assert.Equal("/var/lib/qitech/server", unit.WorkingDirectory);
        Assert.Equal("qitech", unit.User);
        Assert.Equal(RestartPolicy.OnFailure, unit.Restart);
        Assert.Equal(TimeSpan.FromSeconds(90), unit.RestartSec);
        Assert.Equal(TimeSpan.FromMilliseconds(500), unit.TimeoutStopSec);
    }

    [Theory]
    [InlineData("[Service]\nExecStart=/bin/true\nStateDirectory=../etc\n", ":3: StateDirectory=../etc must be a relative path")]
    [InlineData("[Service]\nExecStart=/bin/true\nRestart=on-abnormal\n", ":3: Restart=on-abnormal is not supported")]
    [InlineData("[Service]\nType=forking\nExecStart=/bin/true\n", ":2: Type=forking is not supported")]
    [InlineData("[Service]\nExecStart=@/bin/sh sh\n", ":2: ExecStart prefix '@'")]
    [InlineData("[Service]\nExecStart=/bin/sh -c 'unterminated\n", ":2: ExecStart= has an unterminated quote")]
    [InlineData("[Service]\nExecStart=bin/sh\n", ":2: ExecStart= program 'bin/sh' must be an absolute path")]
    [InlineData("[Service]\nExecStart=/bin/true\nRestartSec=soon\n", ":3: RestartSec=soon is not a time span")]
    [InlineData("[Service]\nExecStart=/bin/true\njunk line\n", ":3: expected Key=Value")]
    [InlineData("ExecStart=/bin/true\n", ":1: assignment before the first [Section]")]
    [InlineData("[Service]\nExecStart=/bin/echo %Z\n", ":2: specifier '%Z' is not supported")]
    [InlineData("[Service]\nExecStart=/bin/a\nExecStart=/bin/b\n", ":3: more than one ExecStart= needs Type=oneshot")]
    [InlineData("[Service]\nExecStart=/bin/true\nWorkingDirectory=../x\n", ":3: WorkingDirectory=../x must be an absolute path")]
    [InlineData("[Service]\nExecStart=/bin/true\nEnvironment=1X=2\n", ":3: Environment= assignment '1X=2' is not NAME=VALUE")]
    public void Rejects_what_it_cannot_run_naming_file_and_line(string text, string expected)
    {
        var e = Assert.Throws<UnitFileException>(() => Parse(text));

        Assert.Contains("/s/x.service" + expected, e.Message);
        Assert.Equal(2, e.ExitCode);
    }

    [Fact]
    public void A_unit_without_ExecStart_is_refused_naming_the_file()
    {
        var e = Assert.Throws<UnitFileException>(() => Parse("[Unit]\nDescription=nothing\n"));

        Assert.Equal("/s/x.service: [Service] has no ExecStart=", e.Message);
    }

    [Fact]
    public void Oneshot_may_have_several_commands_and_specifiers_resolve()
    {
        var unit = Parse("[Service]\nType=oneshot\nExecStart=/bin/echo %n %N %%\nExecStart=:/bin/echo $HOME\n", "setup.service");

        Assert.Equal(ServiceType.Oneshot, unit.Type);
        Assert.Equal("/bin/echo setup.service setup %", unit.ExecStart[0].CommandLine);
        Assert.True(unit.ExecStart[1].NoSubstitution);
    }

    [Theory]
    [InlineData("5", 5.0)]
    [InlineData("250ms", 0.25)]
    [InlineData("1min 30s", 90.0)]
    [InlineData("2h", 7200.0)]
    [InlineData("1.5s", 1.5)]
    public void Time_spans_read_as_systemd_reads_them(string text, double seconds)
    {
        Assert.True(SystemdTimeSpan.TryParse(text, out var span));
        Assert.Equal(TimeSpan.FromSeconds(seconds), span);
    }

    [Fact]
    public void Infinity_means_no_timeout_and_garbage_is_refused()
    {
        Assert.True(SystemdTimeSpan.TryParse("infinity", out var span));
        Assert.Null(span);
        Assert.False(SystemdTimeSpan.TryParse("5 parsecs", out _));
        Assert.False(SystemdTimeSpan.TryParse("", out _));
    }
}
