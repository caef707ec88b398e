using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Persistence;
using Pforte.Core.SelfService;

namespace Pforte.Core.Workspace;

/// <summary>
/// The address change in person at the counter: the disclosure decision (recorded) must allow <c>address-change</c>
/// with the visit's authentication on the counter's channel; then the same use case as in the portal changes or
/// schedules it and sends the confirmation letters to the new and the old address.
/// </summary>
public sealed class CounterAddressChange(PforteDbContext db, DecideDisclosure disclosure, ChangeAddress change)
{
    public async Task<Result<AddressChangeDone>> ExecuteAsync(Guid kasseId, Guid personId, Guid? authenticationId, NewAddress input, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        var kvnr = await db.InsuredPersons.AsNoTracking().Where(p => p.KasseId == kasseId && p.Id == personId).Select(p => p.Kvnr).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (kvnr is null)
        {
            return new Error(ErrorCodes.ApiPersonNotFound);
        }
        var decided = await disclosure.ExecuteAsync(kasseId, new DecideRequest(authenticationId, context.Channel ?? Channels.InPerson, RequestKinds.AddressChange, "inbound", kvnr), context, cancellationToken).ConfigureAwait(false);
        if (!decided.TryGetValue(out var decision, out var error))
        {
            return error;
        }
        if (!decision.Allowed)
        {
            return new Error(ErrorCodes.WsActionNotAllowed, decision.Explanation);
        }
        return await change.ExecuteAsync(kasseId, personId, input, context, cancellationToken).ConfigureAwait(false);
    }
}
