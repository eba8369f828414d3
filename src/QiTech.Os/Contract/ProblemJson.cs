namespace QiTech.Os.Contract;

/// <summary>A refusal (RFC 7807): a one-line <see cref="Detail"/>; <see cref="JobId"/> names the running job on 409.</summary>
public sealed record ProblemJson(string? Title, int? Status, string? Detail, int? JobId);
