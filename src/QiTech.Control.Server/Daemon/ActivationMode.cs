namespace QiTech.Control.Server.Daemon;

/// <summary>How a new system takes effect, as <c>nixos-rebuild</c>'s verbs.</summary>
public enum ActivationMode
{
    /// <summary>Activate now and make it the boot default.</summary>
    Switch,

    /// <summary>Make it the boot default; it takes effect at the next boot.</summary>
    Boot,

    /// <summary>Activate now without touching the boot default: a reboot returns.</summary>
    Test,
}
