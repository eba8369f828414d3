namespace QiTech.Os.Services;

/// <summary><c>Restart=</c>: the three values the embedded supervisor implements.</summary>
public enum RestartPolicy
{
    No,
    Always,

    /// <summary>After a non-zero exit status or death by a signal.</summary>
    OnFailure,
}
