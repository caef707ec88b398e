using Microsoft.EntityFrameworkCore;
using Pforte.Core.Persistence;

namespace Pforte.Core.Portal;

/// <summary>The signed-in overview: whose portal it is, the latest entries of the history and the latest letters, and how many persons the person may act for.</summary>
public sealed record Overview(string GivenName, string FamilyName, IReadOnlyList<HistoryItem> LatestHistory, IReadOnlyList<PortalLetter> LatestLetters, int Representations);

/// <summary>
/// The start page after sign-in, put together from the history, the letters and the representations — the same use
/// cases the pages of their own call, so the overview cannot show what those would not. A person that is not in the
/// Kasse answers PF-PORT-001.
/// </summary>
public sealed class ReadOverview(PforteDbContext db, ReadSecurityHistory history, PortalLetters letters, PortalRepresentation representation)
{
    public const int LatestHistory = 5;
    public const int LatestLetters = 3;

    /// <param name="kasseId">The signed-in person's Kasse.</param>
    /// <param name="subjectPersonId">Whose data is shown: the person, or the represented person while acting for one.</param>
    /// <param name="actorPersonId">The signed-in person (whose representations are counted).</param>
    /// <param name="cancellationToken">Aborts the reads.</param>
    public async Task<Common.Result<Overview>> ExecuteAsync(Guid kasseId, Guid subjectPersonId, Guid actorPersonId, CancellationToken cancellationToken = default)
    {
        var person = await db.InsuredPersons.AsNoTracking().Where(p => p.Id == subjectPersonId && p.KasseId == kasseId)
            .Select(p => new { p.GivenName, p.FamilyName }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (person is null)
        {
            return new Common.Error(Common.ErrorCodes.PortalNotFound);
        }
        var latest = (await history.ExecuteAsync(kasseId, subjectPersonId, null, LatestHistory, cancellationToken).ConfigureAwait(false)).Value;
        var sent = await letters.ListAsync(kasseId, subjectPersonId, cancellationToken).ConfigureAwait(false);
        var options = await representation.ListAsync(kasseId, actorPersonId, cancellationToken).ConfigureAwait(false);
        return new Overview(person.GivenName, person.FamilyName, latest.Items, sent.Take(LatestLetters).ToList(), options.Count);
    }
}
