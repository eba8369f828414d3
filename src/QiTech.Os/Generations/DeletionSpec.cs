using System.Globalization;
using QiTech.Os.Errors;

namespace QiTech.Os.Generations;

/// <summary>
/// Which generations <c>delete-generations</c> removes, as <c>nix-env --delete-generations</c>
/// takes them: explicit numbers, <c>+K</c> (keep the newest K) or <c>Nd</c> (older than N days).
/// </summary>
public abstract record DeletionSpec
{
    public sealed record Numbers(IReadOnlyList<GenerationNumber> List) : DeletionSpec;

    public sealed record KeepLast(int Count) : DeletionSpec;

    public sealed record OlderThan(TimeSpan Age) : DeletionSpec;

    /// <summary>Parses the command's arguments; a <see cref="BadInputException"/> names the bad one.</summary>
    public static DeletionSpec Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new BadInputException("delete-generations: give generation numbers, +K (keep the last K) or Nd (older than N days)");
        }
        if (args.Count == 1 && args[0].StartsWith('+'))
        {
            return int.TryParse(args[0].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k >= 1
                ? new KeepLast(k)
                : throw new BadInputException($"delete-generations: '{args[0]}' is not +K with K a number of 1 or more");
        }
        if (args.Count == 1 && args[0].EndsWith('d'))
        {
            return int.TryParse(args[0].AsSpan(0, args[0].Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var days)
                ? new OlderThan(TimeSpan.FromDays(days))
                : throw new BadInputException($"delete-generations: '{args[0]}' is not Nd with N a number of days");
        }
        var numbers = new List<GenerationNumber>();
        foreach (var arg in args)
        {
            if (!GenerationNumber.TryParse(arg, out var n, out var error))
            {
                throw new BadInputException($"delete-generations: '{arg}' {error.Describe()}; give numbers, or one +K or Nd");
            }
            numbers.Add(n);
        }
        return new Numbers(numbers.Distinct().Order().ToList());
    }

    public static DeletionSpec Parse(string spec) => Parse(spec.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
