using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Insured;
using Pforte.Core.Mailbox;
using Pforte.Persistence.Tests.History;

namespace Pforte.Persistence.Tests.Mailbox;

/// <summary>Portal logins and mailbox actors on a <see cref="HistoryHarness"/>.</summary>
internal static class MailboxHarness
{
    public static readonly Guid PortalClient = Guid.Parse("0193a5c0-0000-7000-8000-000000000002");
    public static readonly AuditContext Staff = new(ActorKind.Client, "client-staff", "api");

    public static CancellationToken Ct => HistoryHarness.Ct;

    /// <summary>A portal login of the person (or of a representative for them) with the given factors, as the mailbox actor.</summary>
    public static async Task<MailboxActor> LoginAsync(HistoryHarness h, InsuredPerson person, Guid? representativeId = null, params string[] factors)
    {
        factors = factors.Length == 0 ? [PortalLoginFactors.Password, PortalLoginFactors.Totp] : factors;
        var context = Pforte.Core.Portal.PortalAudit.Context(person.Id, representativeId, "198.51.100.7", "session-1");
        var login = await h.RunAsync(s => s.GetRequiredService<RecordAuthentication>().PortalLoginAsync(h.KasseId, PortalClient,
            new PortalLoginInput(person.Kvnr, factors, "session-" + Guid.NewGuid().ToString("N"), representativeId), context, Ct));
        return new MailboxActor(h.KasseId, person.Id, representativeId, login.Value.Id, context);
    }

    public static Task<T> PersonAsync<T>(HistoryHarness h, Func<PersonMailbox, Task<T>> body) => h.RunAsync(s => body(s.GetRequiredService<PersonMailbox>()));

    public static Task<T> StaffAsync<T>(HistoryHarness h, Func<StaffMailbox, Task<T>> body) => h.RunAsync(s => body(s.GetRequiredService<StaffMailbox>()));
}
