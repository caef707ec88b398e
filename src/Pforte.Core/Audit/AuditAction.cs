namespace Pforte.Core.Audit;

/// <summary>
/// Audit event types. The numbers are stable and never reused (docs/audit-events.md): an auditor's query written
/// today must mean the same in ten years.
/// </summary>
public enum AuditAction
{
    // 1xxx insured-person registry
    InsuredCreated = 1001,
    InsuredUpdated = 1002,
    CardRecorded = 1003,
    AddressChanged = 1004,
    InsuredImported = 1005,
    RepresentativeRecorded = 1006,
    InsuranceEnded = 1007,
    DeathRecorded = 1008,

    // 9xxx administration
    KasseCreated = 9001,
    ApiClientCreated = 9002,
    ApiClientRevoked = 9003,
    AuditPruned = 9004,
    DemoSeeded = 9005,
}
