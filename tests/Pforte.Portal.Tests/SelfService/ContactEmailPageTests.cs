using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.SelfService;
using Pforte.Testing;

namespace Pforte.Portal.Tests.SelfService;

/// <summary>
/// Issue 12: the contact e-mail's double opt-in with a real SMTP conversation (MailKit in the portal, an in-process
/// SMTP server here) and the confirmation page in Chromium: opening the link changes nothing, the button confirms once.
/// </summary>
public sealed class ContactEmailPageTests(Chromium chromium)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_link_from_the_mail_confirms_the_address_once_and_only_by_the_button(string provider)
    {
        await using var smtp = InProcessSmtp.Start();
        await using var host = await PortalHost.StartAsync(provider, smtp.Settings);
        var person = await SelfServiceArrange.AddPersonAsync(host);
        await using (var scope = host.Scope())
        {
            var requested = await scope.ServiceProvider.GetRequiredService<RequestContactEmail>().ExecuteAsync(host.Kasse.Id, person.Id, "juergen@example.de",
                token => host.Url("/portal/daten/email/bestaetigen?token=" + token), new AuditContext(ActorKind.Insured, "portal:test", "portal"), Ct);
            Assert.True(requested.IsSuccess, requested.Error?.ToString());
        }
        var mail = Assert.Single(smtp.Received());
        Assert.Equal("juergen@example.de", mail.To.Mailboxes.Single().Address);
        Assert.Equal("portal@kasse.example", mail.From.Mailboxes.Single().Address);
        var body = mail.TextBody ?? "";
        Assert.DoesNotContain("Groß", body, StringComparison.Ordinal);
        Assert.DoesNotContain(person.Kvnr, body, StringComparison.Ordinal);
        var link = body.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(host.BaseUrl, StringComparison.Ordinal));

        var page = await chromium.NewPageAsync(host);
        await page.GotoAsync(link);
        await PageChecks.AssertGoodAsync(page, $"email-bestaetigen-{provider}");
        Assert.Equal(0, await SelfServiceArrange.QueryAsync(host, db => db.Set<ContactEmail>().CountAsync(Ct)));

        await page.ClickAsync("main button[type=submit]");
        Assert.Contains("juergen@example.de", await page.InnerTextAsync("main [role=status]"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"email-bestaetigt-{provider}");
        Assert.Equal("juergen@example.de", await SelfServiceArrange.QueryAsync(host, db => db.Set<ContactEmail>().Select(c => c.Address).SingleAsync(Ct)));

        await page.GotoAsync(link);
        await page.ClickAsync("main button[type=submit]");
        Assert.Contains(new Error(ErrorCodes.SelfEmailLinkInvalid).Message, await page.InnerTextAsync(".pforte-error-summary"), StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"email-bestaetigen-ungueltig-{provider}");
    }

    [Fact]
    public async Task Without_smtp_settings_the_portal_has_no_mail_server_and_says_so()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var person = await SelfServiceArrange.AddPersonAsync(host);
        await using var scope = host.Scope();
        Assert.False(scope.ServiceProvider.GetRequiredService<IMailSender>().IsConfigured);
        var result = await scope.ServiceProvider.GetRequiredService<RequestContactEmail>().ExecuteAsync(host.Kasse.Id, person.Id, "juergen@example.de",
            token => token, new AuditContext(ActorKind.Insured, "portal:test", "portal"), Ct);
        Assert.Equal(ErrorCodes.SelfEmailNotConfigured, result.Error!.Code);
    }

    [Fact]
    public async Task An_unreachable_mail_server_is_a_sentence_not_an_error_page()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Pforte:Smtp:Host"] = "localhost", ["Pforte:Smtp:Port"] = SelfServiceArrange.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Pforte:Smtp:Security"] = "None", ["Pforte:Smtp:From"] = "portal@kasse.example",
        };
        await using var host = await PortalHost.StartAsync("sqlite", settings);
        var person = await SelfServiceArrange.AddPersonAsync(host);
        await using var scope = host.Scope();
        var result = await scope.ServiceProvider.GetRequiredService<RequestContactEmail>().ExecuteAsync(host.Kasse.Id, person.Id, "juergen@example.de",
            token => token, new AuditContext(ActorKind.Insured, "portal:test", "portal"), Ct);
        Assert.Equal(ErrorCodes.SelfEmailSendFailed, result.Error!.Code);
    }
}
