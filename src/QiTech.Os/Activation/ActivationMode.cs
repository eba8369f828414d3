namespace QiTech.Os.Activation;

/// <summary>What an activation does, as <c>nixos-rebuild</c>'s verbs.</summary>
public enum ActivationMode
{
    /// <summary>Add a generation (or reuse one), activate it now, make it the boot default.</summary>
    Switch,

    /// <summary>Add a generation, make it the boot default; activate at next boot.</summary>
    Boot,

    /// <summary>Activate now; no generation, boot default unchanged (a reboot returns).</summary>
    Test,

    /// <summary>Print what activation would do; change nothing.</summary>
    DryActivate,
}
