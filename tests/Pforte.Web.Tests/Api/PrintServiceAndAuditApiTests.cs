using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Web.Tests.Api;

/// <summary>
/// Issue 11: the scopes <c>letters</c> (print service: letter and batch status, returned mail) and <c>audit:read</c>
/// (auditors: entries of their own Kasse, verify) have endpoints; each Kasse sees only its own.
/// </summary>
public sealed class PrintServiceAndAuditApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Setup(PforteWebFactory Factory, Kasse Ours, Kasse Theirs, HttpClient Print, HttpClient TheirPrint, HttpClient Auditor, HttpClient TheirAuditor, HttpClient Staff);

    private static async Task<Setup> CreateAsync(string provider)
    {
        var f = await PforteWebFactory.CreateAsync(provider);
        var (ours, print) = await f.CreateClientAsync("print", TestData.Ik, ApiScopes.Letters);
        var (theirs, theirPrint) = await f.CreateClientAsync("print", TestData.OtherIk, ApiScopes.Letters);
        var (_, auditor) = await f.CreateClientAsync("dsb", TestData.Ik, ApiScopes.AuditRead);
        var (_, theirAuditor) = await f.CreateClientAsync("dsb", TestData.OtherIk, ApiScopes.AuditRead);
        var (_, staff) = await f.CreateClientAsync("desk", TestData.Ik, ApiScopes.Staff);
        return new(f, ours, theirs, f.ClientWithKey(print), f.ClientWithKey(theirPrint), f.ClientWithKey(auditor), f.ClientWithKey(theirAuditor), f.ClientWithKey(staff));
    }

    /// <summary>A person with <paramref name="letters"/> letters handed over in one batch (and one still queued); returns the batch, letters and KVNR.</summary>
    private static async Task<(Guid Batch, List<Guid> Letters, Guid Queued, string Kvnr)> PersonWithBatchAsync(PforteWebFactory f, Kasse kasse, int n, int letters)
    {
        await using var scope = f.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var now = DateTimeOffset.UtcNow;
        var person = new InsuredPerson
        {
            Id = Guid.CreateVersion7(), KasseId = kasse.Id, Kvnr = TestData.Kvnr(n), FamilyName = "Weiß", GivenName = "Jürgen", BirthDate = new DateOnly(1971, 4, 9),
            InsuranceKind = InsuranceKind.Member, InsuranceStart = new DateOnly(2004, 7, 1), Street = "Große Straße", HouseNumber = "3", PostalCode = "35037",
            City = "Marburg", Country = "DE", CreatedAt = now,
        };
        db.InsuredPersons.Add(person);
        var batch = Guid.CreateVersion7();
        var ids = new List<Guid>();
        OutboxLetter Letter(bool exported) => new()
        {
            Id = Guid.CreateVersion7(), KasseId = kasse.Id, PersonId = person.Id, Kind = LetterKinds.AddressChanged, Kvnr = person.Kvnr, FamilyName = person.FamilyName,
            GivenName = person.GivenName, Street = person.Street, HouseNumber = person.HouseNumber, PostalCode = person.PostalCode, City = person.City,
            Country = person.Country, QueuedAt = now.AddHours(-1), ExportedAt = exported ? now : null, BatchId = exported ? batch : null,
        };
        for (var i = 0; i < letters; i++)
        {
            var l = Letter(exported: true);
            ids.Add(l.Id);
            db.Letters.Add(l);
        }
        var queued = Letter(exported: false);
        db.Letters.Add(queued);
        await db.SaveChangesAsync(Ct);
        return (batch, ids, queued.Id, person.Kvnr);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_print_service_reads_its_kasses_batches_and_letters_and_reports_returned_mail(string provider)
    {
        var s = await CreateAsync(provider);
        await using var _ = s.Factory;
        var (batch, letters, queued, _) = await PersonWithBatchAsync(s.Factory, s.Ours, 1, 3);
        var (theirBatch, theirLetters, _, _) = await PersonWithBatchAsync(s.Factory, s.Theirs, 2, 1);

        var (status, body) = await GetAsync(s.Print, $"/api/v1/letters/batches/{batch}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((3, 0), (body.GetProperty("letterCount").GetInt32(), body.GetProperty("returnedCount").GetInt32()));
        Assert.Equal(letters.Order(), body.GetProperty("letters").EnumerateArray().Select(l => l.GetProperty("letterId").GetGuid()).Order());
        Assert.All(body.GetProperty("letters").EnumerateArray(), l => Assert.Equal("handed-over", l.GetProperty("state").GetString()));
        // Never an address or a name.
        Assert.DoesNotContain("Marburg", body.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("Weiß", body.GetRawText(), StringComparison.Ordinal);

        Assert.Equal("queued", (await GetAsync(s.Print, $"/api/v1/letters/{queued}")).Body.GetProperty("state").GetString());

        // Returned mail through the same use case as `pforte letters returned`.
        var returned = await s.Print.PostAsync($"/api/v1/letters/{letters[0]}/returned", null, Ct);
        Assert.Equal(HttpStatusCode.OK, returned.StatusCode);
        var (_, letter) = await GetAsync(s.Print, $"/api/v1/letters/{letters[0]}");
        Assert.Equal("returned", letter.GetProperty("state").GetString());
        Assert.Equal(1, (await GetAsync(s.Print, $"/api/v1/letters/batches/{batch}")).Body.GetProperty("returnedCount").GetInt32());

        // Another Kasse's batch and letters do not exist for this client, and it cannot mark them.
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(s.Print, $"/api/v1/letters/batches/{theirBatch}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(s.Print, $"/api/v1/letters/{theirLetters[0]}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Print.PostAsync($"/api/v1/letters/{theirLetters[0]}/returned", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(s.TheirPrint, $"/api/v1/letters/batches/{batch}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(s.TheirPrint, $"/api/v1/letters/batches/{theirBatch}")).Status);

        // Malformed ids are 400 with their code; an unknown batch is 404.
        var (badLetter, badLetterBody) = await GetAsync(s.Print, "/api/v1/letters/not-a-letter");
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.LetterIdInvalid), (badLetter, badLetterBody.GetProperty("code").GetString()));
        var (badBatch, badBatchBody) = await GetAsync(s.Print, "/api/v1/letters/batches/%E2%80%AE");
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.LetterBatchIdInvalid), (badBatch, badBatchBody.GetProperty("code").GetString()));
        var (unknown, unknownBody) = await GetAsync(s.Print, $"/api/v1/letters/batches/{Guid.CreateVersion7()}");
        Assert.Equal((HttpStatusCode.NotFound, ErrorCodes.LetterBatchNotFound), (unknown, unknownBody.GetProperty("code").GetString()));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Each_scope_opens_only_its_own_endpoints(string provider)
    {
        var s = await CreateAsync(provider);
        await using var _ = s.Factory;
        var (batch, letters, _, _) = await PersonWithBatchAsync(s.Factory, s.Ours, 1, 1);
        foreach (var path in new[] { $"/api/v1/letters/batches/{batch}", $"/api/v1/letters/{letters[0]}" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(s.Auditor, path)).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(s.Staff, path)).Status);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await s.Auditor.PostAsync($"/api/v1/letters/{letters[0]}/returned", null, Ct)).StatusCode);
        foreach (var path in new[] { "/api/v1/audit/entries", "/api/v1/audit/verify" })
        {
            var (status, body) = await GetAsync(s.Print, path);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains(ApiScopes.AuditRead, body.GetRawText(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(s.Staff, path)).Status);
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(s.Factory.CreateClient(), path)).Status);
        }
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Auditors_read_their_own_kasses_entries_filtered_and_paged_and_the_reading_is_recorded(string provider)
    {
        var s = await CreateAsync(provider);
        await using var _ = s.Factory;
        var (_, ourLetters, _, kvnr) = await PersonWithBatchAsync(s.Factory, s.Ours, 1, 2);
        var (_, theirLetters, _, theirKvnr) = await PersonWithBatchAsync(s.Factory, s.Theirs, 2, 1);
        foreach (var id in ourLetters)
        {
            Assert.Equal(HttpStatusCode.OK, (await s.Print.PostAsync($"/api/v1/letters/{id}/returned", null, Ct)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await s.TheirPrint.PostAsync($"/api/v1/letters/{theirLetters[0]}/returned", null, Ct)).StatusCode);

        // Everything of our Kasse, two at a time: the cursor walks it without gaps or repeats.
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var (status, page) = await GetAsync(s.Auditor, "/api/v1/audit/entries?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.Equal(HttpStatusCode.OK, status);
            var entries = page.GetProperty("entries").EnumerateArray().ToList();
            Assert.InRange(entries.Count, 0, 2);
            all.AddRange(entries);
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        var ids = all.Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.Distinct().Order(), ids);
        Assert.Contains(all, e => e.GetProperty("eventName").GetString() == "LetterReturned" && e.GetProperty("subjectKvnr").GetString() == kvnr);
        // Nothing of the other Kasse, and no hash of a code or any secret field exists to leak.
        Assert.DoesNotContain(all, e => e.GetProperty("subjectKvnr").GetString() == theirKvnr);

        var (_, byKvnr) = await GetAsync(s.Auditor, $"/api/v1/audit/entries?kvnr={kvnr}&eventType=LetterReturned");
        Assert.Equal(2, byKvnr.GetProperty("entries").GetArrayLength());
        var (_, byNumber) = await GetAsync(s.Auditor, $"/api/v1/audit/entries?kvnr={kvnr}&eventType=3003&from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00%2B01:00");
        Assert.Equal(2, byNumber.GetProperty("entries").GetArrayLength());
        var (_, past) = await GetAsync(s.Auditor, "/api/v1/audit/entries?to=2000-01-01T00:00:00Z");
        Assert.Equal(0, past.GetProperty("entries").GetArrayLength());
        var (_, foreign) = await GetAsync(s.Auditor, $"/api/v1/audit/entries?kvnr={theirKvnr}");
        Assert.Equal(0, foreign.GetProperty("entries").GetArrayLength());
        var (_, theirs) = await GetAsync(s.TheirAuditor, $"/api/v1/audit/entries?kvnr={kvnr}");
        Assert.Equal(0, theirs.GetProperty("entries").GetArrayLength());

        // The reads are recorded, with the KVNR read about as the subject.
        await using var scope = s.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var reads = await db.AuditEntries.Where(e => e.KasseId == s.Ours.Id && e.Action == AuditAction.AuditEntriesRead).ToListAsync(Ct);
        Assert.True(reads.Count >= 5);
        Assert.Equal(2, reads.Count(e => e.SubjectKvnr == kvnr && e.SubjectPersonId != null));

        var (verified, report) = await GetAsync(s.Auditor, "/api/v1/audit/verify");
        Assert.Equal(HttpStatusCode.OK, verified);
        Assert.True(report.GetProperty("intact").GetBoolean());
        Assert.True(report.GetProperty("entriesChecked").GetInt64() > 0);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.KasseId == s.Ours.Id && e.Action == AuditAction.AuditChainVerified, Ct));
    }

    [Theory]
    [InlineData("?kvnr=X123456789", "PF-KVNR-006")]
    [InlineData("?subjectKvnr=X110411675", "PF-AUD-020")]
    [InlineData("?from=2026-12-05T10:00:00", "PF-AUD-021")]
    [InlineData("?from=yesterday", "PF-AUD-021")]
    [InlineData("?from=2026-12-05T10:00:00Z&to=2026-12-05T10:00:00Z", "PF-AUD-022")]
    [InlineData("?eventType=99999", "PF-AUD-023")]
    [InlineData("?eventType=Everything", "PF-AUD-023")]
    [InlineData("?cursor=abc", "PF-AUD-024")]
    [InlineData("?cursor=-5", "PF-AUD-024")]
    [InlineData("?limit=0", "PF-AUD-025")]
    [InlineData("?limit=1001", "PF-AUD-025")]
    [InlineData("?limit=1&limit=2", "PF-AUD-025")]
    [InlineData("?eventType=%00", "PF-AUD-023")]
    public async Task Bad_filters_get_a_stable_code_and_read_nothing(string query, string code)
    {
        var s = await CreateAsync("sqlite");
        await using var _ = s.Factory;
        var (status, body) = await GetAsync(s.Auditor, "/api/v1/audit/entries" + query);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(code, body.GetProperty("code").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\0', body.GetRawText());
        await using var scope = s.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == AuditAction.AuditEntriesRead, Ct));
    }
}
