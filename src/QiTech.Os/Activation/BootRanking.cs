using QiTech.Os.Generations;

namespace QiTech.Os.Activation;

/// <summary>
/// Where each generation's entry stands in the boot menu, as its <c>sort-key</c>. systemd-boot
/// orders entries by sort-key, then newest version first, and puts entries with no tries left
/// last; loader.conf's <c>default qitech-*</c> takes the first. So the boot default comes first,
/// the last known-good generation second — what the loader boots once the default has failed
/// its boots — then the others, newest first, and generations that failed last. An exact
/// <c>default</c> name could not do that: systemd-boot boots a named default even with no tries left.
/// </summary>
public sealed record BootRanking(GenerationNumber? Default, GenerationNumber? KnownGood, IReadOnlySet<GenerationNumber> Failed)
{
    public static readonly BootRanking None = new(null, null, new HashSet<GenerationNumber>());

    public string SortKey(GenerationNumber number) =>
        number == Default ? "qitech-0-default"
        : number == KnownGood ? "qitech-1-known-good"
        : Failed.Contains(number) ? "qitech-3-failed"
        : "qitech-2";
}
