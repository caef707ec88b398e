using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;
using Pforte.Core.Staff;
using Pforte.Testing;

namespace Pforte.Workspace.Tests.Auditor;

/// <summary>
/// A person with a real code (issued, printed): the back office enters the code letter as returned, the auditor finds
/// it all and exports it — and no page, no response, no CSV holds the clear code or its hash.
/// </summary>
public sealed class NoCodeTests(Chromium chromium)
{
    [Fact]
    public async Task No_page_or_export_of_the_back_office_or_the_auditor_contains_the_code_or_its_hash()
    {
        await using var host = await WorkspaceHost.StartAsync(chromium, "sqlite");
        var kvnr = TestData.Kvnr(4242);
        string code;
        Guid letterId;
        await using (var scope = host.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            db.InsuredPersons.Add(new InsuredPerson
            {
                Id = Guid.CreateVersion7(), KasseId = host.Kasse.Id, Kvnr = kvnr, FamilyName = "Groß", GivenName = "Jürgen", BirthDate = new DateOnly(1971, 4, 12),
                InsuranceKind = InsuranceKind.Member, InsuranceStart = new DateOnly(2001, 1, 1), Street = "Schloßallee", HouseNumber = "3", PostalCode = "35037",
                City = "Marburg", Country = "DE", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
                Cards = { new HealthCard { Id = Guid.CreateVersion7(), CardNumber = TestData.Card(4242), RecordedAt = DateTimeOffset.UtcNow } },
            });
            await db.SaveChangesAsync();
            await scope.ServiceProvider.GetRequiredService<IssueDueCodes>().ExecuteAsync(BerlinToday(), AuditContext.System("test"));
            var ids = await db.Letters.Where(l => l.ExportedAt == null).Select(l => l.Id).ToListAsync();
            string? printed = null;
            await scope.ServiceProvider.GetRequiredService<LetterHandOver>().HandOverAsync(ids, Guid.CreateVersion7(), (letters, _) =>
            {
                printed = letters.Single(l => l.Code is not null).Code;
                return Task.CompletedTask;
            }, AuditContext.System("test-print"));
            code = printed!;
            letterId = ids.Single();
        }
        byte[] hash;
        await using (var db = host.NewContext())
        {
            hash = (await db.AuthCodes.SingleAsync()).CodeHash!;
        }
        var forbidden = new[] { Convert.ToHexStringLower(hash), Convert.ToHexString(hash), Convert.ToBase64String(hash) };
        void AssertClean(string text, string where)
        {
            foreach (var f in forbidden)
            {
                Assert.DoesNotContain(f, text, StringComparison.Ordinal);
            }
            // The code as a number of its own (not a year in a date, not part of an id, not one of the audit actions'
            // numbers, which the audit search lists as its filter's options and in its event column, and the CSV before
            // the event's name: a random code is one of those in about one run of seventy).
            foreach (var action in Enum.GetValues<AuditAction>())
            {
                var number = ((int)action).ToString(System.Globalization.CultureInfo.InvariantCulture);
                text = Regex.Replace(text.Replace($"value=\"{number}\"", "", StringComparison.Ordinal), $"{number}[;, \"]*{action}\\b", "");
            }
            var found = Regex.Match(text, $"(?<![0-9A-Za-z.:-]){code}(?![0-9A-Za-z.:])");
            Assert.False(found.Success, $"{where} contains the code: …{(found.Success ? text[Math.Max(0, found.Index - 120)..Math.Min(text.Length, found.Index + 60)] : "")}…");
        }

        var backOffice = await host.NewPageAsync();
        await host.SignInAsync(backOffice, StaffRoles.BackOffice);
        await backOffice.GotoAsync("/arbeitsplatz/backoffice/ruecklaeufer");
        await backOffice.FillAsync("#briefnummer", letterId.ToString("N"));
        await backOffice.ClickAsync("main form button[type=submit]");
        await Assertions.Expect(backOffice.Locator("main [role=status]")).ToContainTextAsync("Rückläufer erfasst.");
        await PageChecks.AssertGoodAsync(backOffice, "ws-bo-returned-done");
        AssertClean(await backOffice.ContentAsync(), "returned mail page");

        var auditor = await host.NewPageAsync();
        await host.SignInAsync(auditor, StaffRoles.Auditor);
        await auditor.GotoAsync($"/arbeitsplatz/pruefung/suche?suchen=1&kvnr={kvnr}");
        await Assertions.Expect(auditor.Locator("main table")).ToContainTextAsync("CodeIssued");
        await Assertions.Expect(auditor.Locator("main table")).ToContainTextAsync("LetterReturned");
        AssertClean(await auditor.ContentAsync(), "audit search");
        var csv = await auditor.Context.APIRequest.GetAsync(host.Url($"/arbeitsplatz/pruefung/suche?handler=csv&kvnr={kvnr}"));
        Assert.Equal(200, csv.Status);
        var text = Encoding.UTF8.GetString(await csv.BodyAsync());
        Assert.Contains("CodeIssued", text, StringComparison.Ordinal);
        AssertClean(text, "CSV export");
        await auditor.GotoAsync("/arbeitsplatz/pruefung/alarme");
        AssertClean(await auditor.ContentAsync(), "alarms");
    }

    private static DateOnly BerlinToday() => Pforte.Core.Common.BerlinCalendar.Today(TimeProvider.System);
}
