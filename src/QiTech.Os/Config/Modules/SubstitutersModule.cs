using QiTech.Os.Cache;
using QiTech.Os.Errors;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>system.update.substituters</c> and <c>system.update.trustedPublicKeys</c>: binary caches a
/// build fetches packages from before building anything (as NixOS's <c>nix.settings.substituters</c>
/// and <c>trusted-public-keys</c>). They steer how the system is made, not what it contains, so
/// nothing is rendered into the closure.
/// </summary>
public sealed class SubstitutersModule : IConfigModule
{
    public const string SubstitutersPath = "system.update.substituters";
    public const string TrustedKeysPath = "system.update.trustedPublicKeys";

    public string Name => "system.update.substituters";

    public void Declare(OptionSet options)
    {
        options.Declare(SubstitutersPath, ListOf(Str), EmptyList,
            "Binary caches in Nix's format (file:///FOLDER or http(s)://HOST/PATH) whose packages are fetched instead of built, tried in order.",
            "[https://cache.example.com/qitech]");
        options.Declare(TrustedKeysPath, ListOf(Str), EmptyList,
            "Public keys (NAME:BASE64, from 'qitech-os cache key generate') whose signatures make a cache's packages acceptable.",
            "[cache.example.com-1:mEGjIIsc2NUCQ2uh3k2NG05ggBKSBoyTCJjrEPVDzF4=]");
    }

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        var urls = config.Strings(SubstitutersPath);
        for (var i = 0; i < urls.Count; i++)
        {
            checks.Assert(Parses(() => BinaryCacheUrl.Parse(urls[i]), out var error), OptionPath.Parse(SubstitutersPath), error);
        }
        var keys = config.Strings(TrustedKeysPath);
        for (var i = 0; i < keys.Count; i++)
        {
            checks.Assert(Parses(() => NixPublicKey.Parse(keys[i], $"key #{i + 1}"), out var error), OptionPath.Parse(TrustedKeysPath), error);
        }
        checks.Assert(urls.Count == 0 || keys.Count > 0, OptionPath.Parse(TrustedKeysPath),
            "substituters need at least one trusted public key: unsigned packages are never installed");
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
    }

    /// <summary>The caches and keys a configuration names.</summary>
    public static SubstituterSettings Settings(EvaluatedConfig config) =>
        new(config.Strings(SubstitutersPath).Select(BinaryCacheUrl.Parse).ToList(),
            config.Strings(TrustedKeysPath).Select((k, i) => NixPublicKey.Parse(k, $"{TrustedKeysPath} #{i + 1}")).ToList());

    private static bool Parses(Action parse, out string error)
    {
        try
        {
            parse();
            error = "";
            return true;
        }
        catch (BadInputException e)
        {
            error = e.Message;
            return false;
        }
    }
}
