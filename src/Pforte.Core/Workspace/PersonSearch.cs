using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Core.SelfService;

namespace Pforte.Core.Workspace;

/// <summary>What a staff member typed: a KVNR, or a family name with birth date (and optionally the given name).</summary>
public sealed record PersonQuery(string? Kvnr, string? FamilyName, string? GivenName, string? BirthDate);

/// <summary>One person found: only what is needed to pick the right one — no address, no card, nothing else.</summary>
public sealed record PersonHit(Guid Id, string Kvnr, string FamilyName, string GivenName, DateOnly BirthDate);

/// <summary>The hits (at most <see cref="PersonSearch.Limit"/>) and whether more matched (then the query must be narrower).</summary>
public sealed record PersonSearchResult(IReadOnlyList<PersonHit> Hits, bool More);

/// <summary>
/// Finds persons of the staff member's Kasse by KVNR, or by family name + birth date (optionally given name). The
/// search itself is audited (who looked, how, how many hits — never what was typed), results are limited.
/// </summary>
public sealed class PersonSearch(PforteDbContext db, AuditQueue audit)
{
    /// <summary>The most hits a search lists; beyond it the staff member narrows the query.</summary>
    public const int Limit = 20;

    public async Task<Result<PersonSearchResult>> ExecuteAsync(Guid kasseId, PersonQuery query, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(context);
        List<PersonHit> hits;
        string by;
        if (!string.IsNullOrWhiteSpace(query.Kvnr))
        {
            if (!Kvnr.Parse(query.Kvnr.Trim()).TryGetValue(out var kvnr, out var error))
            {
                return error;
            }
            by = "kvnr";
            hits = await db.InsuredPersons.AsNoTracking().Where(p => p.KasseId == kasseId && p.Kvnr == kvnr.Value)
                .Select(p => new PersonHit(p.Id, p.Kvnr, p.FamilyName, p.GivenName, p.BirthDate)).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (!TextInput.Optional("familyName", query.FamilyName, InsuredLimits.Name).TryGetValue(out var family, out var error)
                || !TextInput.Optional("givenName", query.GivenName, InsuredLimits.Name).TryGetValue(out var given, out error)
                || !TextInput.Optional("birthDate", query.BirthDate, 10).TryGetValue(out var birthText, out error))
            {
                return error;
            }
            if (family is null && birthText is null)
            {
                return new Error(ErrorCodes.WsSearchEmpty);
            }
            if (birthText is null)
            {
                return new Error(ErrorCodes.WsSearchNameNeedsBirthDate);
            }
            if (OrderNewCode.ParseDate(birthText) is not { } birth)
            {
                return new Error(ErrorCodes.WsSearchBirthDate);
            }
            if (family is null)
            {
                return new Error(ErrorCodes.WsSearchEmpty);
            }
            by = "name-birth-date";
            // Few persons share a birth date in one Kasse (index kasse_id, birth_date); names are compared here, without
            // regard to case and accents' composition, which both databases would compare differently.
            var sameDay = await db.InsuredPersons.AsNoTracking().Where(p => p.KasseId == kasseId && p.BirthDate == birth)
                .OrderBy(p => p.Kvnr).Select(p => new PersonHit(p.Id, p.Kvnr, p.FamilyName, p.GivenName, p.BirthDate))
                .Take(2000).ToListAsync(cancellationToken).ConfigureAwait(false);
            hits = sameDay.Where(p => SameName(p.FamilyName, family) && (given is null || SameName(p.GivenName, given) || StartsWith(p.GivenName, given))).ToList();
        }
        var more = hits.Count > Limit;
        var shown = hits.Take(Limit).ToList();
        var single = shown.Count == 1 ? shown[0] : null;
        await audit.AppendAsync(new AuditRecord(kasseId, context, new AuditEvent(AuditAction.WorkspacePersonSearched, AuditOutcome.Info, single?.Id, single?.Kvnr,
            Details: $"{{\"by\":\"{by}\",\"hits\":{shown.Count},\"more\":{(more ? "true" : "false")}}}")), cancellationToken).ConfigureAwait(false);
        return new PersonSearchResult(shown, more);
    }

    private const CompareOptions Loose = CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace;

    // "Groß", "GROSS" and "gross" are one name to a caller spelling it; so are "Müller" and "Muller" (the birth date narrows).
    private static string Fold(string name) => name.Normalize().Replace("ß", "ss", StringComparison.Ordinal).Replace("ẞ", "SS", StringComparison.Ordinal);

    private static bool SameName(string stored, string typed) =>
        string.Compare(Fold(stored), Fold(typed), CultureInfo.InvariantCulture, Loose) == 0;

    private static bool StartsWith(string stored, string typed) =>
        CultureInfo.InvariantCulture.CompareInfo.IsPrefix(Fold(stored), Fold(typed), Loose);
}
