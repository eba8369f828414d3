using System.Globalization;
using Xunit.Abstractions;

namespace QiTech.Os.Tests.Support;

/// <summary>
/// The seed of a test's random choices (kill instants): <c>QITECH_TEST_SEED</c> when set, to
/// replay a failure, else a fresh one. The seed goes to the test's output, which a failing
/// test's report shows.
/// </summary>
public static class TestSeed
{
    public const string Variable = "QITECH_TEST_SEED";

    public static Random Random(ITestOutputHelper output)
    {
        var text = Environment.GetEnvironmentVariable(Variable);
        int seed;
        if (string.IsNullOrEmpty(text))
        {
            seed = System.Random.Shared.Next();
        }
        else if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
        {
            throw new InvalidOperationException($"{Variable}='{text}' is not a seed (a non-negative 32-bit number)");
        }
        output.WriteLine($"random seed {seed}; replay with {Variable}={seed}");
        return new Random(seed);
    }
}
