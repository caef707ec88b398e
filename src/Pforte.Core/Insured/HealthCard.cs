namespace Pforte.Core.Insured;

/// <summary>
/// One eGK of a person. Exactly one card per person is current (<see cref="EndedAt"/> is null); recording a
/// new card ends the old one at once, because the old card stops counting as a factor the moment a new one exists.
/// </summary>
public sealed class HealthCard
{
    public Guid Id { get; set; }

    public Guid PersonId { get; set; }

    public required string CardNumber { get; set; }

    public DateOnly? IssuedOn { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }
}
