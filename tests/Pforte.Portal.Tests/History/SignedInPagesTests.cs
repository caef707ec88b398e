using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Insured;
using Pforte.Core.Insured.Import;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;
using Pforte.Portal.Tests.Accounts;
using Pforte.Testing;
using Pforte.Testing.Accounts;
using UglyToad.PdfPig;

namespace Pforte.Portal.Tests.History;

/// <summary>Overview, security history and letters of a signed-in person, in Chromium on both databases (ADR 0017).</summary>
public sealed class SignedInPagesTests(Chromium chromium)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static async Task AuditAsync(PortalHost host, Guid personId, string kvnr, AuditContext context, AuditAction action, AuditOutcome outcome = AuditOutcome.Success,
        string? reason = null, string? details = null, int times = 1)
    {
        await using var scope = host.Scope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var audit = new AuditLog(db, scope.ServiceProvider.GetRequiredService<TimeProvider>());
        await using var transaction = await db.BeginWriteAsync(Ct);
        for (var i = 0; i < times; i++)
        {
            await audit.AppendAsync(host.Kasse.Id, context, new AuditEvent(action, outcome, personId, kvnr, reason, details), Ct);
        }
        await db.SaveChangesAsync(Ct);
        await transaction.CommitAsync(Ct);
    }

    internal static async Task<OutboxLetter> LetterAsync(PortalHost host, CodedPerson person, string kind, bool exported = true)
    {
        await using var db = host.NewContext();
        var p = await db.InsuredPersons.AsNoTracking().SingleAsync(x => x.Id == person.PersonId, Ct);
        var letter = new OutboxLetter
        {
            Id = Guid.CreateVersion7(),
            KasseId = host.Kasse.Id,
            PersonId = p.Id,
            Kind = kind,
            Kvnr = p.Kvnr,
            FamilyName = p.FamilyName,
            GivenName = p.GivenName,
            Street = p.Street,
            HouseNumber = p.HouseNumber,
            PostalCode = p.PostalCode,
            City = p.City,
            Country = p.Country,
            QueuedAt = DateTimeOffset.UtcNow.AddDays(-2),
            ExportedAt = exported ? DateTimeOffset.UtcNow.AddDays(-1) : null,
        };
        db.Letters.Add(letter);
        await db.SaveChangesAsync(Ct);
        return letter;
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_history_speaks_plain_german_pages_through_a_thousand_entries_and_never_names_staff_or_others(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var account = await PortalSignIn.CreateAccountAsync(host, 1);
        var other = await AccountTestData.PersonWithCodeAsync(host.Services, host.Kasse.Id, 2, givenName: "Otto");
        var person = account.Person;
        var ivr = new AuditContext(ActorKind.Client, "0193a5c0-aaaa-7000-8000-00000000beef", "phone", SourceIp: "203.0.113.9", SourceCallerId: "+4969123456");
        await AuditAsync(host, person.PersonId, person.Kvnr, ivr, AuditAction.CodeVerified, times: 600);
        await AuditAsync(host, person.PersonId, person.Kvnr, ivr, AuditAction.CodeVerificationFailed, AuditOutcome.Failure, "wrong-code", times: 399);
        await AuditAsync(host, person.PersonId, person.Kvnr, new AuditContext(ActorKind.Client, "desk", "in-person"), AuditAction.InPersonAuthenticated,
            details: "{\"document\":\"reisepass\",\"number_last4\":\"X7Q2\",\"staff\":\"agent-4711\"}");
        await AuditAsync(host, other.PersonId, other.Kvnr, ivr, AuditAction.CodeLocked, AuditOutcome.Failure, "too-many-failures");

        var page = await chromium.NewPageAsync(host);
        await PortalSignIn.SignInAsync(page, account);
        await page.GotoAsync("/portal/verlauf");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("So haben Sie alles unter Kontrolle");
        var first = page.Locator(".pforte-history__entry").First;
        await Assertions.Expect(first.Locator("h2")).ToHaveTextAsync("Anmeldung im Portal");
        await Assertions.Expect(page.Locator(".pforte-history__entry").Nth(1).Locator("h2")).ToHaveTextAsync("Ausweis im Beratungscenter geprüft");
        await Assertions.Expect(page.Locator(".pforte-history__entry").Nth(1)).ToContainTextAsync("Mitarbeiter/in Ihrer Kasse");
        await Assertions.Expect(page.Locator(".pforte-history__entry").Nth(2)).ToContainTextAsync("Fehlversuch mit Ihrem Authentifizierungscode");
        await Assertions.Expect(page.Locator(".pforte-history__entry").Nth(2)).ToContainTextAsync("falscher Code");
        await Assertions.Expect(page.Locator(".pforte-history__entry").Nth(2)).ToContainTextAsync("Telefon");
        await PageChecks.AssertGoodAsync(page, $"history-first-page-{provider}");

        // Every page by the "older" link: all 1,000 entries and those of the registration, each once, never another person's.
        var seen = 0;
        var pages = 0;
        while (true)
        {
            var text = await page.Locator("main").InnerTextAsync();
            foreach (var secret in new[] { "agent-4711", "203.0.113.9", "+4969123456", "beef", other.Kvnr, person.Kvnr, "X7Q2", "Otto", "gesperrt" })
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
            seen += await page.Locator(".pforte-history__entry").CountAsync();
            pages++;
            var older = page.GetByRole(AriaRole.Link, new() { Name = "Ältere Einträge" });
            if (await older.CountAsync() == 0)
            {
                break;
            }
            await older.ClickAsync();
        }
        await using (var db = host.NewContext())
        {
            var own = await db.AuditEntries.CountAsync(e => e.SubjectPersonId == person.PersonId && e.Action != AuditAction.CodeRekeyed, Ct);
            Assert.Equal(own, seen);
        }
        Assert.True(pages >= 41, $"{pages} pages");
        await PageChecks.AssertGoodAsync(page, $"history-last-page-{provider}");

        var bad = await page.GotoAsync("/portal/verlauf?aelter=abc");
        Assert.Equal(400, bad!.Status);
        await Assertions.Expect(page.Locator("#fehler")).ToContainTextAsync("Die Seitenangabe „abc“ ist ungültig");
        await PageChecks.AssertGoodAsync(page, $"history-bad-cursor-{provider}");
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Letters_offer_pdf_copies_only_without_code_and_a_letter_not_the_persons_answers_404_alike(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var account = await PortalSignIn.CreateAccountAsync(host, 1);
        var other = await AccountTestData.PersonWithCodeAsync(host.Services, host.Kasse.Id, 2, givenName: "Otto");
        var confirmation = await LetterAsync(host, account.Person, LetterKinds.AddressChanged);
        var codeLetter = await LetterAsync(host, account.Person, LetterKinds.CodeFirst);
        var foreign = await LetterAsync(host, other, LetterKinds.AddressChanged);

        var page = await chromium.NewPageAsync(host);
        await PortalSignIn.SignInAsync(page, account);
        await page.GotoAsync("/portal/briefe");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Meine Briefe");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Bestätigung: Anschrift geändert" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ihr Authentifizierungscode" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("nur auf Papier (enthält einen Code)")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("a[href^='/portal/briefe/kopie/']")).ToHaveCountAsync(1);
        await PageChecks.AssertGoodAsync(page, $"letters-{provider}");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("a[href^='/portal/briefe/kopie/']").ClickAsync());
        var file = Path.Combine(Path.GetTempPath(), $"copy-{Guid.NewGuid():N}.pdf");
        await download.SaveAsAsync(file);
        using (var pdf = PdfDocument.Open(file))
        {
            var text = string.Join('\n', pdf.GetPages().Select(p => p.Text));
            Assert.Contains("KOPIE", text, StringComparison.Ordinal);
            Assert.Contains("Müßig", text, StringComparison.Ordinal);
        }
        File.Delete(file);

        var refused = await page.GotoAsync($"/portal/briefe/kopie/{codeLetter.Id:N}");
        Assert.Equal(403, refused!.Status);
        await Assertions.Expect(page.Locator("#fehler")).ToContainTextAsync("keine Kopie im Portal");
        await PageChecks.AssertGoodAsync(page, $"letters-no-copy-{provider}");

        var foreignAnswer = await page.GotoAsync($"/portal/briefe/kopie/{foreign.Id:N}");
        var foreignText = await page.Locator("main").InnerTextAsync();
        var missingAnswer = await page.GotoAsync($"/portal/briefe/kopie/{Guid.CreateVersion7():N}");
        var missingText = await page.Locator("main").InnerTextAsync();
        var garbageAnswer = await page.GotoAsync("/portal/briefe/kopie/..%2F..%2Fetc");
        Assert.Equal((404, 404, 404), (foreignAnswer!.Status, missingAnswer!.Status, garbageAnswer!.Status));
        Assert.Equal(foreignText, missingText);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Seite nicht gefunden");

        await using var db = host.NewContext();
        var copies = await db.AuditEntries.Where(e => e.Action == AuditAction.LetterCopyProvided).ToListAsync(Ct);
        var copy = Assert.Single(copies);
        Assert.Equal(account.Person.PersonId, copy.SubjectPersonId);
        Assert.Contains(confirmation.Id.ToString(), copy.Details, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_overview_greets_the_person_and_shows_the_latest_history_and_letters(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var account = await PortalSignIn.CreateAccountAsync(host, 1);
        await LetterAsync(host, account.Person, LetterKinds.CodeChanged);
        var page = await chromium.NewPageAsync(host);
        await PortalSignIn.SignInAsync(page, account);

        await page.GotoAsync("/portal/uebersicht");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Guten Tag, Jürgen Müßig");
        await Assertions.Expect(page.GetByText("Bestätigung: Code im Portal geändert", new() { Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Anmeldung im Portal", new() { Exact = false }).First).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"overview-{provider}");
    }

    [Fact]
    public async Task Signed_in_pages_send_a_stranger_to_sign_in_and_show_nothing()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var page = await chromium.NewPageAsync(host);
        foreach (var path in new[] { "/portal/uebersicht", "/portal/verlauf", "/portal/briefe", "/portal/vertretung", $"/portal/briefe/kopie/{Guid.NewGuid():N}" })
        {
            await page.GotoAsync(path);
            Assert.Contains("/portal/anmelden", page.Url, StringComparison.Ordinal);
        }
    }
}
