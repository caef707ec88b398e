using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;

namespace Pforte.Core.ContactForm;

/// <summary>Which of the request's details the staff member found to match the registered person.</summary>
public sealed record ContactDetailsMatch(string? Kvnr, bool Name, bool AddressOrBirthDate, bool KvnrMatches);

/// <summary>
/// The workspace's "authenticate by details" step for a contact request (ADR 0022, ADR 0026): the back office
/// compares the request's details with the registry and ticks what matches; that is recorded as a written
/// authentication on the channel <c>contact-form</c> (4008/4009, no API client — the workspace), and the request is
/// matched to the person that authentication names (8154). Too few details match: refused, nothing linked.
/// </summary>
public sealed class MatchContactRequestByDetails(RecordAuthentication record, StaffContactRequests requests)
{
    public async Task<Result<ContactRequestSummary>> ExecuteAsync(Guid kasseId, Guid requestId, string staffId, ContactDetailsMatch match, AuditContext context,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        var input = new WrittenInput(match.Kvnr, Channels.ContactForm, Signature: false, match.Name, match.AddressOrBirthDate, match.KvnrMatches, staffId, null);
        if (!(await record.WrittenAsync(kasseId, null, input, context, cancellationToken).ConfigureAwait(false)).TryGetValue(out var authentication, out var error))
        {
            return error;
        }
        return await requests.MatchAsync(kasseId, requestId, authentication.Id, context, cancellationToken).ConfigureAwait(false);
    }
}
