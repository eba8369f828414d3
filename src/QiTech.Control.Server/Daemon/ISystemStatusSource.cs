using QiTech.Os.Contract;

namespace QiTech.Control.Server.Daemon;

/// <summary>What runs now and which generations exist. Read-only; every call asks the daemon anew.</summary>
public interface ISystemStatusSource
{
    Task<StatusJson> GetStatusAsync(CancellationToken cancel);

    Task<IReadOnlyList<GenerationJson>> GetGenerationsAsync(CancellationToken cancel);
}
