using QiTech.Os.Errors;

namespace QiTech.Control.Server.Daemon;

/// <summary>
/// The daemon answered with an RFC 7807 problem. <see cref="Exception.Message"/> is its
/// one-line detail; <see cref="RunningJobId"/> is set on a 409 caused by a running job.
/// </summary>
public sealed class DaemonProblemException(int status, string title, string detail, long? runningJobId = null)
    : QiTechOsException(detail, status is >= 400 and < 500 ? 2 : 1)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public long? RunningJobId { get; } = runningJobId;
}
