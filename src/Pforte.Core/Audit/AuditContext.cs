namespace Pforte.Core.Audit;

/// <summary>Who acts, through what, from where: everything an audit entry records besides the event itself.</summary>
public sealed record AuditContext(
    ActorKind ActorKind,
    string ActorId,
    string? Channel = null,
    string? SourceIp = null,
    string? SourceCallerId = null,
    string? SourceCallId = null,
    string? CorrelationId = null)
{
    public static AuditContext Cli(string command) =>
        new(ActorKind.Operator, $"cli:{Environment.UserName}", Channel: "cli", CorrelationId: $"{command}:{Guid.CreateVersion7():N}");

    public static AuditContext System(string job) => new(ActorKind.System, $"system:{job}");
}

/// <summary>What happened: the event part of an audit entry.</summary>
public sealed record AuditEvent(
    AuditAction Action,
    AuditOutcome Outcome,
    Guid? SubjectPersonId = null,
    string? SubjectKvnr = null,
    string? ReasonCode = null,
    string? Details = null);
