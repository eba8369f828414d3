namespace QiTech.Os.Activation;

/// <summary>A unit that did not stop, start or restart, with why and its last log lines.</summary>
public sealed record UnitFailure(string Unit, string Action, string Reason, IReadOnlyList<string> LastLogLines);
