using QiTech.Os.Errors;

namespace QiTech.Os.Client;

/// <summary>
/// The daemon refused or failed a request: carries its HTTP status, problem title and one-line
/// detail. 400 becomes exit code 2 (bad input); a 409 (another job runs) is transient.
/// </summary>
public sealed class DaemonException(int status, string detail, int? runningJobId = null, string? title = null)
    : QiTechOsException(detail, status == 400 ? 2 : 1)
{
    public int Status { get; } = status;

    /// <summary>The problem document's title ("bad input", "conflict"…), else a generic one.</summary>
    public string Title { get; } = title ?? "error";

    /// <summary>With 409: the job that is running.</summary>
    public int? RunningJobId { get; } = runningJobId;

    public override bool IsTransient => Status == 409;
}
