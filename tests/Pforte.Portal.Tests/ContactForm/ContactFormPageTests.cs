using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.ContactForm;
using Pforte.Testing;

namespace Pforte.Portal.Tests.ContactForm;

/// <summary>
/// Issue 13: the public contact form in Chromium — every state checked with axe at desktop width and 320 px; the
/// details stored encrypted (not in the SQLite file, not in a pg_dump); the spam defence (honeypot, fill time).
/// </summary>
public sealed class ContactFormPageTests(Chromium chromium)
{
    private const string Secret = "Zahnspange Quittung Wunderlich 4711";

    private static readonly Dictionary<string, string?> NoWait = new() { ["Pforte:ContactForm:MinimumFillTime"] = "00:00:00" };

    /// <summary>Fills the whole form with a valid request (the journey test uses it too).</summary>
    internal static async Task FillAsync(IPage page, string message = Secret)
    {
        await page.SelectOptionAsync("#topic", "contributions");
        await page.FillAsync("#givenName", "Hildegard");
        await page.FillAsync("#familyName", "Wunderlich");
        await page.FillAsync("#birthDate", "03.09.1958");
        await page.FillAsync("#kvnr", "");
        await page.FillAsync("#street", "Am Kirchberg");
        await page.FillAsync("#houseNumber", "12a");
        await page.FillAsync("#postalCode", "35037");
        await page.FillAsync("#city", "Marburg");
        await page.FillAsync("#message", message);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_visitor_sends_the_form_and_gets_a_receipt_number_and_nothing_readable_is_stored(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider, NoWait);
        var page = await chromium.NewPageAsync(host);

        await page.GotoAsync("/portal");
        await page.ClickAsync("a[href='/portal/kontakt']");
        await page.WaitForURLAsync("**/portal/kontakt");
        await PageChecks.AssertGoodAsync(page, $"kontakt-{provider}");

        await page.ClickAsync("main button[type=submit]");
        Assert.True(await page.Locator(".pforte-error-summary a").CountAsync() >= 5);
        await PageChecks.AssertGoodAsync(page, $"kontakt-leer-{provider}");

        await FillAsync(page);
        await page.FillAsync("#kvnr", "A12345678");
        await page.ClickAsync("main button[type=submit]");
        Assert.Equal(new Error(ErrorCodes.ContactKvnrInvalid).Message, (await page.InnerTextAsync("#kvnr-fehler")).Trim());
        Assert.Equal("Wunderlich", await page.InputValueAsync("#familyName")); // nothing typed is lost
        await PageChecks.AssertGoodAsync(page, $"kontakt-kvnr-{provider}");

        await page.FillAsync("#kvnr", "");
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync("**/portal/kontakt?nummer=KF-*");
        var receipt = (await page.InnerTextAsync("#vorgangsnummer")).Trim();
        Assert.Matches("^KF-2[0-9]{3}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", receipt);
        Assert.Contains("nie per E-Mail", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"kontakt-eingegangen-{provider}");

        // Stored: the receipt and topic in the clear, nothing else; staff read it back decrypted.
        var row = await QueryAsync(host, db => db.Set<ContactRequest>().AsNoTracking().SingleAsync());
        Assert.Equal(receipt, row.ReceiptNumber);
        Assert.Equal("contributions", row.Topic);
        Assert.Null(row.MatchedPersonId);
        await using (var scope = host.Scope())
        {
            var view = await scope.ServiceProvider.GetRequiredService<StaffContactRequests>().ReadAsync(host.Kasse.Id, row.Id, AuditContext.System("test"));
            Assert.Equal(Secret, view.Value.Details.Message);
            Assert.Equal(("Hildegard", "Wunderlich", new DateOnly(1958, 9, 3), "12a"), (view.Value.Details.GivenName, view.Value.Details.FamilyName, view.Value.Details.BirthDate, view.Value.Details.HouseNumber));
        }
        var audit = await QueryAsync(host, db => db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditAction.ContactRequestSubmitted).ToListAsync());
        var submitted = Assert.Single(audit);
        Assert.Null(submitted.SubjectPersonId);
        Assert.Equal("contact-form", submitted.Channel);
        Assert.DoesNotContain("Wunderlich", submitted.Details ?? "", StringComparison.Ordinal);

        foreach (var text in new[] { Secret, "Wunderlich", "Hildegard", "Am Kirchberg", "1958-09-03" })
        {
            var dump = provider == "sqlite" ? await SqliteBytesAsync(host) : await PgDumpAsync(host);
            Assert.DoesNotContain(text, dump, StringComparison.Ordinal);
        }
        Assert.Contains(receipt, provider == "sqlite" ? await SqliteBytesAsync(host) : await PgDumpAsync(host), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_attachment_is_shown_at_the_file_field_and_nothing_is_stored()
    {
        await using var host = await PortalHost.StartAsync("sqlite", NoWait);
        var page = await chromium.NewPageAsync(host);
        await page.GotoAsync("/portal/kontakt");
        await FillAsync(page);
        await page.SetInputFilesAsync("#files", new FilePayload { Name = "rechnung.pdf", MimeType = "application/pdf", Buffer = Encoding.ASCII.GetBytes("MZ\u0090\0 this is a program, not a PDF") });
        await page.ClickAsync("main button[type=submit]");

        Assert.Contains("rechnung", await page.InnerTextAsync("#files-fehler"), StringComparison.Ordinal);
        Assert.Equal("#files", await page.Locator(".pforte-error-summary a").First.GetAttributeAsync("href"));
        Assert.Equal(Secret, await page.InputValueAsync("#message"));
        await PageChecks.AssertGoodAsync(page, "kontakt-anhang");
        Assert.Equal(0, await QueryAsync(host, db => db.Set<ContactRequest>().CountAsync()));
    }

    [Fact]
    public async Task A_form_sent_faster_than_a_person_can_fill_it_is_refused_calmly_and_recorded()
    {
        await using var host = await PortalHost.StartAsync("sqlite", new Dictionary<string, string?> { ["Pforte:ContactForm:MinimumFillTime"] = "00:01:00" });
        var page = await chromium.NewPageAsync(host);
        await page.GotoAsync("/portal/kontakt");
        await FillAsync(page);
        await page.ClickAsync("main button[type=submit]");

        Assert.Contains(new Error(ErrorCodes.ContactFormRefused).Message, await page.InnerTextAsync(".pforte-error-summary"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, "kontakt-zu-schnell");
        Assert.Equal(0, await QueryAsync(host, db => db.Set<ContactRequest>().CountAsync()));
        var refused = Assert.Single(await QueryAsync(host, db => db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditAction.ContactFormRefused).ToListAsync()));
        Assert.Contains("too-fast", refused.Details, StringComparison.Ordinal);
        Assert.DoesNotContain("Wunderlich", refused.Details ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_honeypot_is_hidden_from_people_and_screen_readers_and_refuses_a_filled_form()
    {
        await using var host = await PortalHost.StartAsync("sqlite", NoWait);
        var page = await chromium.NewPageAsync(host);
        await page.GotoAsync("/portal/kontakt");
        Assert.Equal("true", await page.GetAttributeAsync(".pforte-hp", "aria-hidden"));
        Assert.Equal("-1", await page.GetAttributeAsync("#website", "tabindex"));
        Assert.Equal("off", await page.GetAttributeAsync("#website", "autocomplete"));
        Assert.False(await page.IsVisibleAsync("#website") && (await page.Locator("#website").BoundingBoxAsync())!.X >= 0);

        await FillAsync(page);
        await page.EvaluateAsync("() => document.getElementById('website').value = 'https://spam.example'");
        await page.ClickAsync("main button[type=submit]");

        Assert.Contains(new Error(ErrorCodes.ContactFormRefused).Message, await page.InnerTextAsync(".pforte-error-summary"), StringComparison.Ordinal);
        Assert.Equal(0, await QueryAsync(host, db => db.Set<ContactRequest>().CountAsync()));
        var refused = Assert.Single(await QueryAsync(host, db => db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditAction.ContactFormRefused).ToListAsync()));
        Assert.Contains("honeypot", refused.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_form_works_by_keyboard_alone_and_tab_never_lands_in_the_honeypot()
    {
        await using var host = await PortalHost.StartAsync("sqlite", NoWait);
        var page = await chromium.NewPageAsync(host);
        await page.GotoAsync("/portal/kontakt");
        await FillAsync(page);
        await PageChecks.TabToAsync(page, "#message");
        var visited = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            visited.Add(await page.EvaluateAsync<string>("() => document.activeElement.id || document.activeElement.tagName"));
            if (await page.EvaluateAsync<bool>("() => document.activeElement.matches('main button[type=submit]')"))
            {
                break;
            }
        }
        Assert.DoesNotContain("website", visited);
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement.matches('main button[type=submit]')"));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/portal/kontakt?nummer=KF-*");
    }

    private static async Task<T> QueryAsync<T>(PortalHost host, Func<Pforte.Core.Persistence.PforteDbContext, Task<T>> query)
    {
        await using var db = host.NewContext();
        return await query(db);
    }

    private static async Task<string> SqliteBytesAsync(PortalHost host)
    {
        await using (var db = host.NewContext())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        var builder = new StringBuilder();
        foreach (var file in new[] { host.Database.SqliteFile!, host.Database.SqliteFile + "-wal" }.Where(File.Exists))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            builder.Append(Encoding.UTF8.GetString(memory.ToArray())).Append(Encoding.Latin1.GetString(memory.ToArray()));
        }
        return builder.ToString();
    }

    private static async Task<string> PgDumpAsync(PortalHost host)
    {
        var csb = new Npgsql.NpgsqlConnectionStringBuilder(host.Database.ConnectionString);
        var start = new ProcessStartInfo("pg_dump", ["-h", csb.Host!, "-p", csb.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", csb.Username ?? "postgres", "-d", csb.Database!])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
