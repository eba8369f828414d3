namespace QiTech.Os.Services;

/// <summary>
/// <c>Type=</c>. Without a readiness protocol, <c>exec</c>, <c>notify</c> and <c>idle</c>
/// behave as <c>simple</c>: the service counts as running once its process exists.
/// </summary>
public enum ServiceType
{
    Simple,
    Exec,
    Notify,
    Idle,

    /// <summary>Runs its commands to completion; inactive afterwards when they succeed.</summary>
    Oneshot,
}
