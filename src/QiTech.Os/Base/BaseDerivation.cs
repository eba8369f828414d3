using System.Security.Cryptography;
using System.Text;
using QiTech.Os.Build;
using QiTech.Os.Nix;

namespace QiTech.Os.Base;

/// <summary>
/// The derivation of a Debian base: the lock that pins it (suite, architecture, variant and
/// every .deb by version and SHA-256), built offline by mmdebstrap from exactly those .debs
/// (<see cref="BaseBuilder"/>). Its output path is known from the lock alone, so a
/// configuration names its base before anything is built, as it names its packages, and two
/// machines with one lock name one base.
/// </summary>
public static class BaseDerivation
{
    public const string Name = "debian-base";
    public const string Builder = "/usr/bin/mmdebstrap";

    /// <summary>Bumped whenever the layout of the output changes, so old bases are never taken for new ones.</summary>
    public const string LayoutVersion = "2";

    public static Derivation Create(BaseLock baseLock)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["suite"] = baseLock.Request.Suite,
            ["architecture"] = baseLock.Request.Architecture,
            ["variant"] = baseLock.Request.Variant,
            ["packages"] = string.Join(' ', baseLock.Request.Packages),
            // The lock's whole text: every pinned .deb's name, version, architecture and SHA-256.
            ["lock"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(baseLock.Render()))),
            ["layout"] = LayoutVersion,
        };
        // Only when there are any: a base without them keeps the path it always had.
        if (baseLock.Request.DisabledUnits.Count > 0)
        {
            env["disabledUnits"] = string.Join(' ', baseLock.Request.DisabledUnits);
        }
        return new() { Name = Name, Builder = Builder, Args = [], Env = env };
    }

    public static StorePath OutputOf(Derivation derivation, StoreDirectory storeDir) =>
        new DerivationHasher(storeDir).Resolve(derivation).Out;
}
