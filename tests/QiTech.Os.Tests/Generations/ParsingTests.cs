using FsCheck.Xunit;
using QiTech.Os.Errors;
using QiTech.Os.Generations;

namespace QiTech.Os.Tests.Generations;

public sealed class ParsingTests
{
    [Property]
    public bool Generation_numbers_round_trip(FsCheck.PositiveInt n) =>
        GenerationNumber.TryParse(n.Get.ToString(System.Globalization.CultureInfo.InvariantCulture), out var parsed, out _) && parsed.Value == n.Get;

    [Theory]
    [InlineData("", GenerationNumberError.Empty)]
    [InlineData("0", GenerationNumberError.Zero)]
    [InlineData("07", GenerationNumberError.Zero)]
    [InlineData("-3", GenerationNumberError.NotDigits)]
    [InlineData(" 3", GenerationNumberError.NotDigits)]
    [InlineData("99999999999", GenerationNumberError.TooLarge)]
    public void Bad_generation_numbers_say_why(string text, GenerationNumberError expected)
    {
        Assert.False(GenerationNumber.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Deletion_specs_parse_as_nix_env_takes_them()
    {
        Assert.Equal(new DeletionSpec.KeepLast(5), DeletionSpec.Parse(["+5"]));
        Assert.Equal(new DeletionSpec.OlderThan(TimeSpan.FromDays(30)), DeletionSpec.Parse(["30d"]));
        var numbers = Assert.IsType<DeletionSpec.Numbers>(DeletionSpec.Parse(["4", "2", "4"]));
        Assert.Equal([new GenerationNumber(2), new GenerationNumber(4)], numbers.List);
    }

    [Theory]
    [InlineData("+0")]
    [InlineData("+x")]
    [InlineData("d")]
    [InlineData("1.5")]
    public void Bad_deletion_specs_are_bad_input(string spec) =>
        Assert.Throws<BadInputException>(() => DeletionSpec.Parse([spec]));
}
