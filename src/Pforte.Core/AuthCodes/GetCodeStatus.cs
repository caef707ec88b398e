using Microsoft.EntityFrameworkCore;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.AuthCodes;

public sealed record LetterSummary(Guid Id, string Kind, DateTimeOffset QueuedAt, DateTimeOffset? ExportedAt, Guid? BatchId, DateTimeOffset? ReturnedAt);

/// <summary>What staff see: state, since when, why — never the code, never its hash.</summary>
public sealed record CodeStatus(
    string Kvnr,
    string State,
    DateTimeOffset? Since,
    string? Reason,
    string Explanation,
    bool Eligible,
    int ConsecutiveFailures,
    DateTimeOffset? LockedAt,
    IReadOnlyList<LetterSummary> Letters);

/// <summary>Answers "I belong, but got none?" for staff (domain.md §5.1).</summary>
public sealed class GetCodeStatus(PforteDbContext db, TimeProvider clock)
{
    public async Task<Result<CodeStatus>> ExecuteAsync(Guid kasseId, string kvnr, CancellationToken cancellationToken = default)
    {
        if (!Kvnr.Parse(kvnr).TryGetValue(out var parsed, out var error))
        {
            return error;
        }
        var person = await db.InsuredPersons.AsNoTracking().SingleOrDefaultAsync(p => p.KasseId == kasseId && p.Kvnr == parsed.Value, cancellationToken).ConfigureAwait(false);
        if (person is null)
        {
            return new Error(ErrorCodes.ApiPersonNotFound);
        }
        var code = await db.AuthCodes.AsNoTracking().SingleOrDefaultAsync(a => a.PersonId == person.Id, cancellationToken).ConfigureAwait(false);
        var letters = await db.Letters.AsNoTracking().Where(l => l.PersonId == person.Id).OrderBy(l => l.QueuedAt)
            .Select(l => new LetterSummary(l.Id, l.Kind, l.QueuedAt, l.ExportedAt, l.BatchId, l.ReturnedAt))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var eligibility = CodeEligibility.Evaluate(person, BerlinCalendar.Today(clock));
        var state = code?.State ?? AuthCodeState.None;
        var stateName = state switch
        {
            AuthCodeState.None => "none",
            AuthCodeState.Pending => "letter-pending",
            AuthCodeState.Active => "active",
            AuthCodeState.Locked => "locked",
            _ => throw new InvalidOperationException(),
        };
        var explanation = (state, code?.Reason) switch
        {
            (AuthCodeState.Active, _) => "Code aktiv.",
            (AuthCodeState.Pending, AuthCodeReasons.TooManyFailures) => "Nach zu vielen Fehlversuchen gesperrt; ein neuer Code ist per Brief unterwegs und gilt, sobald der Brief an die Druckerei übergeben ist.",
            (AuthCodeState.Pending, _) => "Ein neuer Code ist per Brief unterwegs; er gilt, sobald der Brief an die Druckerei übergeben ist.",
            (AuthCodeState.Locked, _) => "Gesperrt nach zu vielen Fehlversuchen; die automatische Neuausgabe ist ausgeschöpft. Bitte die Person anders authentifizieren und den Code neu ausgeben.",
            (AuthCodeState.None, AuthCodeReasons.LetterReturned) => "Kein Code: der Brief kam als unzustellbar zurück. Erst nach einer Adressänderung wird wieder geschrieben.",
            (AuthCodeState.None, _) when !eligibility.Eligible => "Kein Code: " + eligibility.Explanation + ".",
            (AuthCodeState.None, _) => "Kein Code: berechtigt, der Code wird beim nächsten täglichen Lauf ausgegeben.",
            _ => throw new InvalidOperationException(),
        };
        return new CodeStatus(person.Kvnr, stateName, code?.StateSince, code?.Reason, explanation, eligibility.Eligible,
            code?.Failures ?? 0, code?.LockedAt, letters);
    }
}
