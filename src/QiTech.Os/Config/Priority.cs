namespace QiTech.Os.Config;

/// <summary>
/// How strongly a definition holds, as NixOS's <c>mkOverride</c>: the lowest number wins and
/// only definitions of that number are merged. YAML tags pick one: <c>!force</c> (50) beats a
/// plain value (100), which beats <c>!default</c> (1000), which beats the option's default (1500).
/// </summary>
public enum Priority
{
    Force = 50,
    Normal = 100,
    Default = 1000,
    OptionDefault = 1500,
}
