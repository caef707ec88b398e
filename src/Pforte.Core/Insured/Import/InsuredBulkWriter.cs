using NpgsqlTypes;
using Pforte.Core.Persistence;

namespace Pforte.Core.Insured.Import;

/// <summary>
/// Inserts NEW persons and their first cards of an import batch without the change tracker (<see cref="BulkInsert"/>):
/// EF Core's per-entity overhead made 1M rows miss the 60 s budget. Runs in the caller's transaction.
/// </summary>
internal static class InsuredBulkWriter
{
    private static readonly BulkColumn<InsuredPerson>[] PersonColumns =
    [
        new("id", NpgsqlDbType.Uuid, p => p.Id),
        new("kasse_id", NpgsqlDbType.Uuid, p => p.KasseId),
        new("kvnr", NpgsqlDbType.Varchar, p => p.Kvnr),
        new("family_name", NpgsqlDbType.Varchar, p => p.FamilyName),
        new("given_name", NpgsqlDbType.Varchar, p => p.GivenName),
        new("birth_date", NpgsqlDbType.Date, p => p.BirthDate),
        new("insurance_kind", NpgsqlDbType.Varchar, p => p.InsuranceKind == InsuranceKind.Family ? "family" : "member"),
        new("main_member_kvnr", NpgsqlDbType.Varchar, p => p.MainMemberKvnr),
        new("insurance_start", NpgsqlDbType.Date, p => p.InsuranceStart),
        new("insurance_end", NpgsqlDbType.Date, p => p.InsuranceEnd),
        new("street", NpgsqlDbType.Varchar, p => p.Street),
        new("house_number", NpgsqlDbType.Varchar, p => p.HouseNumber),
        new("postal_code", NpgsqlDbType.Varchar, p => p.PostalCode),
        new("city", NpgsqlDbType.Varchar, p => p.City),
        new("country", NpgsqlDbType.Varchar, p => p.Country),
        new("deceased_on", NpgsqlDbType.Date, p => p.DeceasedOn),
        new("created_at", NpgsqlDbType.TimestampTz, p => p.CreatedAt),
        new("updated_at", NpgsqlDbType.TimestampTz, p => p.UpdatedAt),
    ];

    private static readonly BulkColumn<HealthCard>[] CardColumns =
    [
        new("id", NpgsqlDbType.Uuid, c => c.Id),
        new("person_id", NpgsqlDbType.Uuid, c => c.PersonId),
        new("card_number", NpgsqlDbType.Varchar, c => c.CardNumber),
        new("issued_on", NpgsqlDbType.Date, c => c.IssuedOn),
        new("recorded_at", NpgsqlDbType.TimestampTz, c => c.RecordedAt),
        new("ended_at", NpgsqlDbType.TimestampTz, c => c.EndedAt),
    ];

    public static async Task WriteAsync(PforteDbContext db, IReadOnlyList<InsuredPerson> persons, IReadOnlyList<HealthCard> cards, CancellationToken ct)
    {
        await BulkInsert.WriteAsync(db, "insured_persons", PersonColumns, persons, ct).ConfigureAwait(false);
        await BulkInsert.WriteAsync(db, "health_cards", CardColumns, cards, ct).ConfigureAwait(false);
    }
}
