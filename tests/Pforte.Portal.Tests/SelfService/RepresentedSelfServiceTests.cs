using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Letters;

namespace Pforte.Portal.Tests.SelfService;

/// <summary>
/// While a representative acts for a person (the switch itself belongs to the representation pages, ADR 0017), the
/// self-service shows and changes the represented person's data, records the representation as the actor, and keeps
/// the code out of the representative's hands (ADR 0016). The switch is simulated by adding the representation's
/// claims to the representative's own, real, server-side session cookie.
/// </summary>
public sealed class RepresentedSelfServiceTests(Chromium chromium)
{
    [Fact]
    public async Task A_representative_changes_the_represented_persons_address_and_cannot_touch_the_code()
    {
        await using var host = await PortalHost.StartAsync("sqlite");
        var representative = await SelfServiceArrange.AddPersonAsync(host);
        var represented = await SelfServiceArrange.AddPersonAsync(host, "5031", new DateOnly(1940, 3, 1));
        await using (var db = host.NewContext())
        {
            var person = await db.InsuredPersons.SingleAsync(p => p.Id == represented.Id);
            person.GivenName = "Hildegard";
            person.Street = "Rosenweg";
            await db.SaveChangesAsync();
        }
        var page = await SignedIn.PageAsync(chromium, host, representative);
        var representation = Guid.CreateVersion7();
        await ActForAsync(host, page, represented.Id, representation);

        await page.GotoAsync("/portal/daten");
        Assert.Contains("Hildegard", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Contains("Rosenweg", await page.InnerTextAsync("#anschrift"), StringComparison.Ordinal);

        await page.GotoAsync("/portal/code");
        Assert.Contains(Texts.Code["Representing"], await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("main form").CountAsync());
        await PageChecks.AssertGoodAsync(page, "code-vertretung");

        await page.GotoAsync("/portal/daten/anschrift");
        await page.FillAsync("#street", "Am Stift");
        await page.FillAsync("#houseNumber", "4");
        await page.FillAsync("#postalCode", "35037");
        await page.FillAsync("#city", "Marburg");
        await page.ClickAsync("main button[type=submit]");
        await page.WaitForURLAsync("**/portal/daten?erledigt=anschrift");

        await using var check = host.NewContext();
        Assert.Equal("Am Stift", await check.InsuredPersons.Where(p => p.Id == represented.Id).Select(p => p.Street).SingleAsync());
        Assert.Equal("Schloßallee", await check.InsuredPersons.Where(p => p.Id == representative.Id).Select(p => p.Street).SingleAsync());
        Assert.Equal(2, await check.Letters.CountAsync(l => l.PersonId == represented.Id && l.Kind == LetterKinds.AddressChanged));
        var changed = await check.AuditEntries.SingleAsync(e => e.SubjectPersonId == represented.Id && e.Action == AuditAction.AddressChanged);
        Assert.Equal((ActorKind.Insured, "portal:representative:" + representation.ToString("N")), (changed.ActorKind, changed.ActorId));
    }

    /// <summary>Adds the representation's claims to the page's portal cookie (same session, same account).</summary>
    private static async Task ActForAsync(PortalHost host, IPage page, Guid personId, Guid representationId)
    {
        var cookies = await page.Context.CookiesAsync();
        var cookie = cookies.Single(c => c.Name == Pforte.Portal.Accounts.PortalAccountsSetup.CookieName);
        var format = host.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(PortalAuth.Scheme).TicketDataFormat;
        var ticket = format.Unprotect(cookie.Value) ?? throw new InvalidOperationException("The portal cookie could not be read.");
        var actor = PortalActor.From(ticket.Principal)! with { ActingForPersonId = personId, RepresentativeId = representationId };
        var principal = new ClaimsPrincipal(new ClaimsIdentity(actor.ToClaims(), PortalAuth.Scheme));
        var value = format.Protect(new AuthenticationTicket(principal, ticket.Properties, PortalAuth.Scheme));
        await page.Context.AddCookiesAsync([new Cookie { Name = cookie.Name, Value = value, Domain = cookie.Domain, Path = cookie.Path, HttpOnly = true, SameSite = cookie.SameSite }]);
    }
}
