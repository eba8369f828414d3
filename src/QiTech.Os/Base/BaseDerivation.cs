using QiTech.Os.Build;
using QiTech.Os.Nix;

namespace QiTech.Os.Base;

/// <summary>
/// The derivation of a Debian base: suite, architecture and package list, built by
/// mmdebstrap (<see cref="BaseBuilder"/>). Its output path is known from these alone, so a
/// configuration names its base before anything is built, as it names its packages.
/// Until the .debs are pinned, the path names the declared list, not the exact bits: two
/// builds of one list on different days may differ in package versions.
/// </summary>
public static class BaseDerivation
{
    public const string Name = "debian-base";
    public const string Builder = "/usr/bin/mmdebstrap";

    /// <summary>Bumped whenever the layout of the output changes, so old bases are never taken for new ones.</summary>
    public const string LayoutVersion = "1";

    public static Derivation Create(string suite, string architecture, IEnumerable<string> packages) =>
        new()
        {
            Name = Name,
            Builder = Builder,
            Args = ["--variant=minbase", "--architectures=" + architecture, "--include=" + string.Join(',', Packages(packages)), suite],
            Env = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["suite"] = suite,
                ["architecture"] = architecture,
                ["packages"] = string.Join(' ', Packages(packages)),
                ["layout"] = LayoutVersion,
            },
        };

    /// <summary>The package list as the derivation holds it: sorted, each once.</summary>
    public static IReadOnlyList<string> Packages(IEnumerable<string> packages) =>
        [.. packages.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public static StorePath OutputOf(Derivation derivation, StoreDirectory storeDir) =>
        new DerivationHasher(storeDir).Resolve(derivation).Out;
}
