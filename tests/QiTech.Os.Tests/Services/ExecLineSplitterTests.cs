using QiTech.Os.Config;

namespace QiTech.Os.Tests.Services;

public sealed class ExecLineSplitterTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["PORT"] = "3001",
        ["FLAGS"] = "--verbose  --color",
        ["EMPTY"] = "",
    };

    [Theory]
    [InlineData("/bin/echo a b", new[] { "/bin/echo", "a", "b" })]
    [InlineData("/bin/sh -c 'echo \"x y\"; exit 3'", new[] { "/bin/sh", "-c", "echo \"x y\"; exit 3" })]
    [InlineData("/bin/echo \"a b\"c 'd'\"e\"", new[] { "/bin/echo", "a bc", "de" })]
    [InlineData("/bin/echo a\\sb \\x41 \\101 tab\\tend", new[] { "/bin/echo", "a b", "A", "A", "tab\tend" })]
    [InlineData("/bin/server --port=${PORT} $FLAGS", new[] { "/bin/server", "--port=3001", "--verbose", "--color" })]
    [InlineData("/bin/echo $EMPTY x $$HOME ${MISSING}", new[] { "/bin/echo", "x", "$HOME", "" })]
    [InlineData("/bin/echo price$PORT", new[] { "/bin/echo", "price$PORT" })]
    public void Splits_quotes_escapes_and_variables_as_systemd(string line, string[] expected)
    {
        Assert.True(ExecLineSplitter.TrySplit(line, Environment, out var argv, out var error), error.ToString());
        Assert.Equal(expected, argv);
    }

    [Fact]
    public void Without_substitution_dollar_words_stay_literal()
    {
        Assert.True(ExecLineSplitter.TrySplit("/bin/echo $FLAGS ${PORT}", null, out var argv, out _));
        Assert.Equal(["/bin/echo", "$FLAGS", "${PORT}"], argv);
    }

    [Theory]
    [InlineData("/bin/echo 'open", ExecLineError.UnterminatedQuote)]
    [InlineData("/bin/echo end\\", ExecLineError.TrailingBackslash)]
    [InlineData("/bin/echo \\q", ExecLineError.BadEscape)]
    [InlineData("   ", ExecLineError.Empty)]
    public void Malformed_lines_are_errors(string line, ExecLineError expected)
    {
        Assert.False(ExecLineSplitter.TrySplit(line, Environment, out _, out var error));
        Assert.Equal(expected, error);
    }
}
