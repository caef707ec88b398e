using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Insured.Import;
using Pforte.Core.Letters;
using Pforte.Testing;
using UglyToad.PdfPig;

namespace Pforte.Portal.Tests.Accounts;

/// <summary>
/// Registration with what the post brought: the code read from the PDF that the letter export produced, and the
/// activation letter (requested on the page, exported, its code read from the PDF), on both databases.
/// </summary>
public sealed partial class LetterRegistrationTests(Chromium chromium)
{
    internal static async Task<(string Kvnr, string Card)> PersonAsync(PortalHost host, int n)
    {
        await using var scope = host.Scope();
        var upsert = scope.ServiceProvider.GetRequiredService<UpsertInsured>();
        var record = new InsuredRecord(TestData.Kvnr(n), "Weiß", "Ännchen", new DateOnly(1975, 6, 1), InsuranceKind.Member, null, new DateOnly(2000, 1, 1), null,
            "Schloßallee", "7", "60311", "Frankfurt am Main", "DE", TestData.Card(n), new DateOnly(2024, 1, 1), null);
        Assert.True((await upsert.ExecuteAsync(host.Kasse.Id, record, AuditContext.System("test"))).IsSuccess);
        return (record.Kvnr, record.CardNumber!);
    }

    /// <summary>Runs the letter export into a folder and returns the text of every letter PDF in it.</summary>
    internal static async Task<string> ExportAndReadAsync(PortalHost host)
    {
        var folder = Path.Combine(Path.GetTempPath(), "pforte-tests", "export-" + Guid.NewGuid().ToString("N"));
        await using (var scope = host.Scope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<ExportLetters>().ExecuteAsync(new ExportLettersRequest(folder), AuditContext.System("test"));
            Assert.True(result.IsSuccess, result.Error?.ToString());
            Assert.True(result.Value.Letters > 0);
        }
        var texts = Directory.EnumerateFiles(folder, "*.pdf", SearchOption.AllDirectories).Select(file =>
        {
            using var pdf = PdfDocument.Open(file);
            return string.Join(' ', pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
        });
        var all = string.Join('\n', texts);
        Directory.Delete(folder, recursive: true);
        return all;
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_code_from_the_exported_letter_opens_the_registration(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var (kvnr, card) = await PersonAsync(host, 31);
        await using (var scope = host.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<IssueDueCodes>().ExecuteAsync(BerlinCalendar.Today(TimeProvider.System), AuditContext.System("test"), kasseId: host.Kasse.Id);
        }
        var text = await ExportAndReadAsync(host);
        var code = CodeInLetter().Match(text).Groups[1].Value;
        Assert.Matches("^[0-9]{4}$", code);

        var page = PortalSignIn.Patient(await chromium.NewPageAsync(host));
        await page.GotoAsync("/portal/konto/anlegen");
        await page.FillAsync("#kvnr", kvnr);
        await page.FillAsync("#karte", card);
        await page.FillAsync("#code", code == "0000" ? "1111" : "0000");
        await PortalSignIn.SubmitAsync(page);
        await Assertions.Expect(page.Locator(".pforte-error-summary")).ToContainTextAsync("Die Anmeldung ist nicht gelungen");
        await PageChecks.AssertGoodAsync(page, $"register-1-failed-{provider}");
        await page.FillAsync("#code", code);
        await PortalSignIn.SubmitAsync(page);
        await page.WaitForURLAsync("**/portal/konto/zugangsdaten");

        await using var db = host.NewContext();
        var row = await db.AuthCodes.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, row.Failures); // the success after one wrong code reset the count — it was counted
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.CodeVerificationFailed && e.Channel == "portal", TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task An_activation_letter_is_requested_without_telling_whether_the_kvnr_is_known_and_its_code_opens_the_registration_once(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var (kvnr, card) = await PersonAsync(host, 32);
        var page = PortalSignIn.Patient(await chromium.NewPageAsync(host));

        await page.GotoAsync("/portal/konto/aktivierungsbrief");
        await PageChecks.AssertGoodAsync(page, $"activation-request-{provider}");
        await page.FillAsync("#kvnr", TestData.Kvnr(33));
        await page.FillAsync("#karte", card);
        await PortalSignIn.SubmitAsync(page);
        var unknownAnswer = await page.Locator("#angefordert").InnerTextAsync();
        await PageChecks.AssertGoodAsync(page, $"activation-requested-{provider}");

        await page.GotoAsync("/portal/konto/aktivierungsbrief");
        await page.FillAsync("#kvnr", kvnr);
        await page.FillAsync("#karte", card);
        await PortalSignIn.SubmitAsync(page);
        Assert.Equal(unknownAnswer, await page.Locator("#angefordert").InnerTextAsync());

        var text = await ExportAndReadAsync(host);
        Assert.Contains("Aktivierungscode für das Onlineportal", text, StringComparison.Ordinal);
        var code = ActivationInLetter().Match(text).Groups[1].Value;
        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", code);

        await page.GotoAsync("/portal/konto/aktivierungscode");
        await PageChecks.AssertGoodAsync(page, $"activation-redeem-{provider}");
        await page.FillAsync("#kvnr", kvnr);
        await page.FillAsync("#karte", card);
        await page.FillAsync("#aktivierungscode", "kurz");
        await PortalSignIn.SubmitAsync(page);
        await Assertions.Expect(page.Locator("#aktivierungscode-fehler")).ToContainTextAsync("12 Zeichen");
        await PageChecks.AssertGoodAsync(page, $"activation-redeem-format-{provider}");
        await page.FillAsync("#aktivierungscode", code.ToLowerInvariant());
        await PortalSignIn.SubmitAsync(page);
        await page.WaitForURLAsync("**/portal/konto/zugangsdaten");

        // Single use: the same code again opens nothing.
        var other = await chromium.NewPageAsync(host);
        await other.GotoAsync("/portal/konto/aktivierungscode");
        await other.FillAsync("#kvnr", kvnr);
        await other.FillAsync("#karte", card);
        await other.FillAsync("#aktivierungscode", code);
        await PortalSignIn.SubmitAsync(other);
        await Assertions.Expect(other.Locator(".pforte-error-summary")).ToContainTextAsync("Die Anmeldung ist nicht gelungen");
    }

    [GeneratedRegex(@"niemandem mitteilen\.\s+([0-9]{4})\b")]
    internal static partial Regex CodeInLetter();

    [GeneratedRegex(@"Onlineportal\s+([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})")]
    private static partial Regex ActivationInLetter();
}
