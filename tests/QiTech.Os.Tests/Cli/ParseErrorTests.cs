using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Cli;

/// <summary>A command line the parser refuses is bad input: one line with the parser's reason and exit code 2; help asked for is no error.</summary>
public sealed class ParseErrorTests
{
    private static string Refused(params string[] args)
    {
        var result = OurCli.Run(args);
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.Equal("", result.StdoutText);
        return Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void An_unknown_command_is_refused_in_one_line() =>
        Assert.Equal("error: Required command was not provided. Unrecognized command or argument 'frob'.", Refused("frob"));

    [Fact]
    public void An_unknown_option_is_refused_in_one_line() =>
        Assert.Equal("error: Unrecognized command or argument '--frob'.", Refused("status", "--frob"));

    [Fact]
    public void A_missing_required_option_is_refused_in_one_line() =>
        Assert.Equal("error: Option '--config' is required.", Refused("build"));

    [Theory]
    [InlineData("--help")]
    [InlineData("build", "--help")]
    public void Help_is_printed_with_exit_code_0(params string[] args)
    {
        var result = OurCli.Run(args);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("Usage:", result.StdoutText);
        Assert.Equal("", result.Stderr);
    }
}
