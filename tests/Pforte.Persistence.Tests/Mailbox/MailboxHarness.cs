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

    /// <summary>A valid 8 × 8 PNG (the attachment inspector's test picture).</summary>
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAl0lEQVR4nA3JMRUAIQgAUJIoQXhPcrBADDdN4aoh3DWDBaTJnX/9AB/gBV5gHWqBobATeASAL+ANvIL1UEsYGnYKHsMLwku8yDrVQkNpJ/JILwSv8BLrUosMlZ3Eo7zIeDOvbD3XkofmnbLH/KLhbbya9VZLG9p2ah7bi4l38prWZy1z6NxpepwvDt7D61g/tZyhZ6fj8fxT+VoBcnaBNgAAAABJRU5ErkJggg==");

    /// <summary>An empty one-page PDF written by hand with a classic cross-reference table.</summary>
    public static byte[] Pdf()
    {
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ];
        var pdf = new System.Text.StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }
        pdf.Append(System.Globalization.CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return System.Text.Encoding.Latin1.GetBytes(pdf.ToString());
    }

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
