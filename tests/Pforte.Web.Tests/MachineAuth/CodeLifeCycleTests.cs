using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Testing;

namespace Pforte.Web.Tests.MachineAuth;

public sealed class CodeLifeCycleTests
{
    private static async Task<JsonElement> Json(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task A_weak_new_code_is_refused_naming_the_rule_and_a_good_one_replaces_the_old(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();

        foreach (var (weak, rule) in new[] { ("1234", "sequence"), ("1971", "year"), ("1204", "date"), (code, "previous-code"), ("3503", "postal-code") })
        {
            var refused = await h.ChangeAsync(person, code, weak);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var body = await Json(refused);
            Assert.Equal(ErrorCodes.WeakCode, body.GetProperty("code").GetString());
            Assert.Equal(rule, body.GetProperty("rule").GetString());
        }
        var malformed = await h.ChangeAsync(person, code, "12345");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        var changed = await h.ChangeAsync(person, code, "7405" == code ? "8052" : "7405");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var newCode = "7405" == code ? "8052" : "7405";
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(person, code))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.VerifyAsync(MachineAuthHarness.Body(person, newCode))).StatusCode);
        var status = await h.CodeStatusAsync(person);
        Assert.Contains(status.GetProperty("letters").EnumerateArray(), l => l.GetProperty("kind").GetString() == LetterKinds.CodeChanged);
        // The confirmation carries no code.
        Assert.Equal(0, await h.WithDbAsync(db => db.Letters.CountAsync(l => l.Kind == LetterKinds.CodeChanged && l.SealedCode != null)));
    }

    [Fact]
    public async Task A_change_with_the_wrong_current_code_counts_as_a_failure()
    {
        await using var h = await MachineAuthHarness.CreateAsync("sqlite");
        var (person, code) = await h.PersonWithCodeAsync();
        var wrong = code == "7405" ? "8052" : "7405";
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.ChangeAsync(person, wrong, "6917")).StatusCode);
        Assert.Equal(1, (await h.CodeStatusAsync(person)).GetProperty("consecutiveFailures").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task Staff_reissue_blocks_the_old_code_at_once_and_queues_a_new_one(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var (person, code) = await h.PersonWithCodeAsync();
        var response = await h.Staff.PostAsJsonAsync($"/api/v1/insured/{person.Kvnr}/code/reissue", new { reason = "Code vergessen, Identität im Beratungscenter geprüft" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(code, body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.VerifyAsync(MachineAuthHarness.Body(person, code))).StatusCode);
        Assert.Equal("letter-pending", (await h.CodeStatusAsync(person)).GetProperty("state").GetString());
        var fresh = (await h.HandOverAsync())[person.Kvnr];
        Assert.Equal(HttpStatusCode.OK, (await h.VerifyAsync(MachineAuthHarness.Body(person, fresh))).StatusCode);
        Assert.True(await h.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditAction.CodeReissuedByStaff && e.SubjectPersonId == person.Id)));

        var noReason = await h.Staff.PostAsJsonAsync($"/api/v1/insured/{person.Kvnr}/code/reissue", new { reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        // The IVR's key has no staff scope.
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Ivr.PostAsJsonAsync($"/api/v1/insured/{person.Kvnr}/code/reissue", new { reason = "x" })).StatusCode);
    }

    [Fact]
    public async Task Code_status_tells_staff_why_there_is_none()
    {
        await using var h = await MachineAuthHarness.CreateAsync("sqlite");
        var teen = await h.AddPersonAsync(InsuranceKind.Family, new DateOnly(2009, 6, 1));
        await h.IssueDueAsync(new DateOnly(2026, 11, 28));
        var status = await h.CodeStatusAsync(teen);
        Assert.Equal("none", status.GetProperty("state").GetString());
        Assert.False(status.GetProperty("eligible").GetBoolean());
        Assert.Contains("familienversichert, 17 Jahre", status.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.False(status.TryGetProperty("codeHash", out _));

        var reissue = await h.Staff.PostAsJsonAsync($"/api/v1/insured/{teen.Kvnr}/code/reissue", new { reason = "Anruf" });
        Assert.Equal(HttpStatusCode.Conflict, reissue.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task Issue_due_is_idempotent_and_losing_eligibility_deletes_the_code(string provider)
    {
        await using var h = await MachineAuthHarness.CreateAsync(provider);
        var adult = await h.AddPersonAsync();
        var turning15 = await h.AddPersonAsync(InsuranceKind.Member, new DateOnly(2011, 11, 29));
        var first = await h.IssueDueAsync(new DateOnly(2026, 11, 28));
        Assert.Equal(1, first.Issued);
        Assert.Equal(0, (await h.IssueDueAsync(new DateOnly(2026, 11, 28))).Issued);
        Assert.Equal(1, (await h.IssueDueAsync(new DateOnly(2026, 11, 29))).Issued); // the 15th birthday
        await h.HandOverAsync();

        await h.WithDbAsync(async db =>
        {
            var p = await db.InsuredPersons.AsTracking().SingleAsync(x => x.Id == adult.Id);
            p.InsuranceEnd = new DateOnly(2026, 11, 30);
            return await db.SaveChangesAsync();
        });
        var later = await h.IssueDueAsync(new DateOnly(2026, 12, 1));
        Assert.Equal(1, later.Deleted);
        var code = await h.WithDbAsync(db => db.AuthCodes.SingleAsync(a => a.PersonId == adult.Id));
        Assert.Equal(AuthCodeState.None, code.State);
        Assert.Null(code.CodeHash);
        Assert.Equal(AuthCodeReasons.InsuranceEnded, code.Reason);
        Assert.True(await h.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditAction.CodeDeleted && e.SubjectPersonId == adult.Id)));
        _ = turning15;
    }
}
