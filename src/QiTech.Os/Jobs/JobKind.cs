namespace QiTech.Os.Jobs;

/// <summary>What a job does; on the wire in kebab case (<c>delete-generations</c>).</summary>
public enum JobKind
{
    Update,
    Switch,
    Boot,
    Test,
    Rollback,

    /// <summary>The next boot only takes a generation (<c>boot --generation N --once</c>).</summary>
    BootOnce,
    Gc,
    Reboot,
    Restart,
    DeleteGenerations,

    /// <summary>An offline bundle from removable media: checked, imported, activated as an update.</summary>
    InstallBundle,

    /// <summary>A boot's health checks: all pass, the boot entry is blessed; else the boot counts as failed.</summary>
    BootCheck,
}
