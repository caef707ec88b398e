using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.ContactForm;
using Pforte.Core.Mailbox;
using Pforte.Testing;
using Pforte.Web.Tests.MachineAuth;

namespace Pforte.Web.Tests.ContactForm;

/// <summary>The back office's contact-request API (ADR 0022): list without content, read decrypted and recorded, match only through a written authentication, answer, close, purge.</summary>
public sealed class ContactRequestsApiTests
{
    private static ContactSubmission Submission(string message) => new("general-information", "Hildegard", "Wunderlich", "03.09.1958", null,
        "Am Kirchberg", "12a", "35037", "Marburg", message, []);

    private static async Task<string> SubmitAsync(MachineAuthHarness h, string message)
    {
        await using var scope = h.Factory.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SubmitContactRequest>().ExecuteAsync(h.Kasse.Id, Submission(message),
            new AuditContext(ActorKind.Insured, "portal:visitor", "contact-form", SourceIp: "198.51.100.9"));
        return result.Value;
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Staff_list_read_match_answer_and_close_a_contact_request(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var first = await SubmitAsync(h, "Erste Frage zu Beiträgen");
        var second = await SubmitAsync(h, "Zweite Frage, geheim");
        var ct = TestContext.Current.CancellationToken;

        var list = await h.Staff.GetFromJsonAsync<JsonElement>("/api/v1/contact-requests?status=open", ct);
        Assert.Equal([second, first], list.EnumerateArray().Select(e => e.GetProperty("receiptNumber").GetString()).ToArray());
        Assert.DoesNotContain("geheim", list.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("Wunderlich", list.GetRawText(), StringComparison.Ordinal);
        var id = list[0].GetProperty("id").GetGuid();

        var read = await h.Staff.GetFromJsonAsync<JsonElement>($"/api/v1/contact-requests/{id}", ct);
        Assert.Equal("Zweite Frage, geheim", read.GetProperty("details").GetProperty("message").GetString());
        Assert.Equal("Wunderlich", read.GetProperty("details").GetProperty("familyName").GetString());
        Assert.Equal("open", read.GetProperty("status").GetString());

        // Matching needs a written authentication of this Kasse; the person comes from it.
        var person = await h.AddPersonAsync();
        var bogus = await h.Staff.PostAsJsonAsync($"/api/v1/contact-requests/{id}/match", new { authenticationId = Guid.CreateVersion7() }, ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bogus.StatusCode);
        Assert.Equal(ErrorCodes.ContactAuthenticationMismatch, (await bogus.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("code").GetString());
        var written = await h.Staff.PostAsJsonAsync("/api/v1/authentications/written", new
        {
            kvnr = person.Kvnr, channel = "contact-form", staffId = "backoffice-3", matched = new { signature = false, name = true, addressOrBirthDate = true, kvnr = true },
        }, ct);
        Assert.Equal(HttpStatusCode.OK, written.StatusCode);
        var authenticationId = (await written.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("authenticationId").GetGuid();
        var matched = await h.Staff.PostAsJsonAsync($"/api/v1/contact-requests/{id}/match", new { authenticationId }, ct);
        Assert.Equal(HttpStatusCode.OK, matched.StatusCode);
        Assert.Equal(person.Id, (await matched.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("matchedPersonId").GetGuid());

        Assert.Equal(HttpStatusCode.OK, (await h.Staff.PostAsync($"/api/v1/contact-requests/{id}/answered", null, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.Staff.PostAsync($"/api/v1/contact-requests/{id}/close", null, ct)).StatusCode);
        var again = await h.Staff.PostAsync($"/api/v1/contact-requests/{id}/close", null, ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var closed = await h.Staff.GetFromJsonAsync<JsonElement>("/api/v1/contact-requests?status=closed", ct);
        Assert.Equal(second, Assert.Single(closed.EnumerateArray()).GetProperty("receiptNumber").GetString());

        var badStatus = await h.Staff.GetAsync("/api/v1/contact-requests?status=everything", ct);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await h.Staff.GetAsync($"/api/v1/contact-requests/{Guid.CreateVersion7()}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await h.Staff.GetAsync("/api/v1/contact-requests/not-an-id", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Ivr.GetAsync("/api/v1/contact-requests", ct)).StatusCode);

        var audit = await h.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.KasseId == h.Kasse.Id).ToListAsync(ct));
        Assert.Single(audit, e => e.Action == AuditAction.ContactRequestRead);
        Assert.Single(audit, e => e.Action == AuditAction.ContactRequestMatched && e.SubjectPersonId == person.Id);
        Assert.Single(audit, e => e.Action == AuditAction.ContactRequestClosed);
        Assert.All(audit, e => Assert.DoesNotContain("geheim", e.Details ?? "", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Purge_deletes_what_is_older_than_the_cut_and_a_ciphertext_does_not_open_in_another_row(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        await SubmitAsync(h, "alt");
        await using var scope = h.Factory.Services.CreateAsyncScope();
        var staff = scope.ServiceProvider.GetRequiredService<StaffContactRequests>();
        var db = scope.ServiceProvider.GetRequiredService<Pforte.Core.Persistence.PforteDbContext>();
        await SubmitAsync(h, "neu");
        var rows = await db.Set<ContactRequest>().AsNoTracking().OrderBy(r => r.CreatedAt).ToListAsync(TestContext.Current.CancellationToken);

        // Swapping one row's sealed details into another row does not decrypt (bound to the row id).
        var cipher = scope.ServiceProvider.GetRequiredService<ContentCipher>();
        using (var key = cipher.Unwrap(rows[1].WrappedKey))
        {
            Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => cipher.Decrypt(key, rows[0].Sealed, ContentCipher.Bind(rows[1].Id, SubmitContactRequest.DetailsField)));
        }

        Assert.Equal(0, await staff.PurgeAsync(rows[0].StatusAt));
        Assert.Equal(1, await staff.PurgeAsync(rows[1].StatusAt));
        Assert.Equal(rows[1].Id, (await db.Set<ContactRequest>().AsNoTracking().SingleAsync(TestContext.Current.CancellationToken)).Id);
        Assert.Single(await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditAction.ContactRequestsPurged).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task An_accepted_attachment_is_stored_sealed_and_staff_download_it(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
        await using (var scope = h.Factory.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<SubmitContactRequest>().ExecuteAsync(h.Kasse.Id,
                Submission("mit Foto") with { Files = [new NewFile("../../Bescheid Wunderlich.png", png)] }, AuditContext.System("test"));
            Assert.True(result.IsSuccess, result.Error?.ToString());
        }
        var ct = TestContext.Current.CancellationToken;
        var id = (await h.Staff.GetFromJsonAsync<JsonElement>("/api/v1/contact-requests", ct))[0].GetProperty("id").GetGuid();
        var read = await h.Staff.GetFromJsonAsync<JsonElement>($"/api/v1/contact-requests/{id}", ct);
        var file = Assert.Single(read.GetProperty("attachments").EnumerateArray());
        Assert.Equal("image/png", file.GetProperty("contentType").GetString());
        Assert.DoesNotContain("/", file.GetProperty("fileName").GetString(), StringComparison.Ordinal);
        var download = await h.Staff.GetAsync($"/api/v1/contact-requests/{id}/attachments/{file.GetProperty("id").GetGuid()}", ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        var stored = await h.WithDbAsync(db => db.Set<ContactAttachment>().AsNoTracking().SingleAsync(ct));
        Assert.DoesNotContain("Wunderlich"u8.ToArray(), new[] { stored.SealedName }, new SubsequenceComparer());
    }

    private sealed class SubsequenceComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x is not null && y is not null && y.AsSpan().IndexOf(x) >= 0;

        public int GetHashCode(byte[] obj) => 0;
    }

    [Fact]
    public void Receipt_numbers_are_random_readable_and_carry_nothing_personal()
    {
        var now = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
        var numbers = Enumerable.Range(0, 2000).Select(_ => SubmitContactRequest.NewReceiptNumber(now)).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.All(numbers, n => Assert.Matches("^KF-2026-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", n));
    }
}
