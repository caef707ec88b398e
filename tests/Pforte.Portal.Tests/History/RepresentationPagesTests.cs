using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Insured;
using Pforte.Core.Insured.Import;
using Pforte.Core.Persistence;
using Pforte.Core.Portal;
using Pforte.Portal.Tests.Accounts;
using Pforte.Testing;

namespace Pforte.Portal.Tests.History;

/// <summary>A parent switches to the child after a step-up, acts "für" the child, and switches back — in Chromium, by keyboard.</summary>
public sealed class RepresentationPagesTests(Chromium chromium)
{
    [Fact]
    public void Switching_is_a_high_value_action_behind_a_fresh_second_factor()
    {
        // The attribute's redirect to /portal/anmelden/bestaetigen and back is tested with the step-up page itself.
        Assert.NotNull(typeof(Pforte.Portal.Areas.Portal.Pages.Vertretung.WechselnModel).GetCustomAttributes(typeof(RequiresStepUpAttribute), inherit: true).SingleOrDefault());
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A person without account (e.g. a child) of the host's Kasse.</summary>
    private static async Task<InsuredPerson> PersonAsync(PortalHost host, int n, string givenName, DateOnly birthDate)
    {
        await using var scope = host.Scope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var record = new InsuredRecord(TestData.Kvnr(n), "Müßig", givenName, birthDate, InsuranceKind.Family, TestData.Kvnr(1), new DateOnly(2020, 1, 1), null,
            "Lindenstraße", "5a", "60311", "Frankfurt am Main", "DE", TestData.Card(n), new DateOnly(2024, 1, 1), null);
        return (await new UpsertInsured(db, new AuditLog(db, clock), clock).ExecuteAsync(host.Kasse.Id, record, AuditContext.System("test"), Ct)).Value.Person;
    }

    private static async Task<Guid> RepresentAsync(PortalHost host, string childKvnr, string parentKvnr, DateOnly validFrom, DateOnly? validTo = null)
    {
        await using var scope = host.Scope();
        var result = await scope.ServiceProvider.GetRequiredService<RecordRepresentative>().ExecuteAsync(host.Kasse.Id, childKvnr,
            new RepresentativeInput("gesetzlicher-vertreter", parentKvnr, null, null, null, ["*"], validFrom, validTo, "Geburtsurkunde 12/2018", false),
            AuditContext.Cli("test"), Ct);
        return result.Value.Id;
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_parent_switches_to_the_child_after_a_step_up_and_the_childs_history_names_the_parent(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var parent = await PortalSignIn.CreateAccountAsync(host, 1);
        var child = await PersonAsync(host, 5, "Mia", new DateOnly(2018, 6, 1));
        var grown = await PersonAsync(host, 6, "Lea", new DateOnly(2005, 6, 1));
        var representation = await RepresentAsync(host, child.Kvnr, parent.Person.Kvnr, new DateOnly(2018, 6, 1));
        await RepresentAsync(host, grown.Kvnr, parent.Person.Kvnr, new DateOnly(2005, 6, 1));

        var page = await chromium.NewPageAsync(host);
        await PortalSignIn.SignInAsync(page, parent);
        await PortalSignIn.StepUpNowAsync(page, parent);
        await page.GotoAsync("/portal/vertretung");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Vertretung");
        await Assertions.Expect(page.GetByText("als Elternteil können Sie im Portal nicht mehr für Lea Müßig handeln", new() { Exact = false })).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"representation-list-{provider}");

        // By keyboard: the link, then the confirmation button. The login just gave the second factor, so the step-up
        // the page requires (checked below) is fresh and the page opens at once.
        await PageChecks.TabToAsync(page, $"a[href='/portal/vertretung/wechseln/{representation:N}']");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync($"**/portal/vertretung/wechseln/{representation:N}");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Zu Mia Müßig wechseln");
        await PageChecks.AssertGoodAsync(page, $"representation-confirm-{provider}");
        await PageChecks.TabToAsync(page, "main form button[type=submit]");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/portal/uebersicht");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sie handeln für Mia Müßig");
        await Assertions.Expect(page.GetByText("Sie handeln jetzt für Mia Müßig.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Sie handeln für Mia Müßig.", new() { Exact = true })).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"representation-acting-overview-{provider}");

        await page.GotoAsync("/portal/verlauf");
        await Assertions.Expect(page.GetByText("Sie sehen den Verlauf von Mia Müßig.")).ToBeVisibleAsync();
        var login = page.Locator(".pforte-history__entry", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Anmeldung im Portal" }) });
        await Assertions.Expect(login.First).ToContainTextAsync("Jürgen Müßig (Elternteil) für Sie");
        var recorded = page.Locator(".pforte-history__entry", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Eine Vertretung für Sie wurde erfasst" }) });
        await Assertions.Expect(recorded).ToContainTextAsync("Mitarbeiter/in Ihrer Kasse");
        await PageChecks.AssertGoodAsync(page, $"representation-acting-history-{provider}");

        await page.GotoAsync("/portal/vertretung");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sie handeln für Mia Müßig" })).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"representation-acting-{provider}");
        await PageChecks.TabToAsync(page, "main form button[type=submit]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByText("Sie sind zurück in Ihrem eigenen Konto.")).ToBeVisibleAsync();
        await page.GotoAsync("/portal/uebersicht");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Guten Tag, Jürgen Müßig");
        await page.GotoAsync("/portal/verlauf");
        await Assertions.Expect(page.GetByText("(Elternteil) für Sie", new() { Exact = false })).ToHaveCountAsync(0);

        await using var db = host.NewContext();
        var authentication = await db.Authentications.SingleAsync(a => a.PersonId == child.Id, Ct);
        Assert.Equal((representation, AuthenticationMethods.PortalLogin), (authentication.RepresentativeId, authentication.Method));
        var childActions = await db.AuditEntries.Where(e => e.SubjectPersonId == child.Id).Select(e => new { e.Action, e.ActorId }).ToListAsync(Ct);
        Assert.Contains(childActions, e => e.Action == AuditAction.PortalLoginRecorded && e.ActorId == PortalAudit.RepresentativePrefix + representation.ToString("N"));
        Assert.Contains(childActions, e => e.Action == AuditAction.RepresentedDataViewed);
        Assert.Contains(childActions, e => e.Action == AuditAction.RepresentationEnded);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Somebody_elses_representation_answers_404_alike_with_a_fresh_step_up(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var parent = await PortalSignIn.CreateAccountAsync(host, 1);
        var intruder = await PortalSignIn.CreateAccountAsync(host, 3);
        var child = await PersonAsync(host, 5, "Mia", new DateOnly(2018, 6, 1));
        var representation = await RepresentAsync(host, child.Kvnr, parent.Person.Kvnr, new DateOnly(2018, 6, 1));

        var page = await chromium.NewPageAsync(host);
        await PortalSignIn.SignInAsync(page, intruder);
        await PortalSignIn.StepUpNowAsync(page, intruder);
        var foreign = await page.GotoAsync($"/portal/vertretung/wechseln/{representation:N}");
        var foreignText = await page.Locator("main").InnerTextAsync();
        var missing = await page.GotoAsync($"/portal/vertretung/wechseln/{Guid.CreateVersion7():N}");
        var missingText = await page.Locator("main").InnerTextAsync();
        Assert.Equal((404, 404), (foreign!.Status, missing!.Status));
        Assert.Equal(foreignText, missingText);
        Assert.DoesNotContain("Mia", foreignText, StringComparison.Ordinal);
        await PageChecks.AssertGoodAsync(page, $"representation-not-found-{provider}");

        await page.GotoAsync("/portal/vertretung");
        await Assertions.Expect(page.GetByText("Sie sind für niemanden als Vertretung eingetragen.", new() { Exact = false })).ToBeVisibleAsync();
        await PageChecks.AssertGoodAsync(page, $"representation-none-{provider}");
        await using var db = host.NewContext();
        Assert.False(await db.Authentications.AnyAsync(a => a.PersonId == child.Id, Ct));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_representation_that_ends_while_acting_stops_at_once_and_an_unavailable_one_says_why(string provider)
    {
        await using var host = await PortalHost.StartAsync(provider);
        var parent = await PortalSignIn.CreateAccountAsync(host, 1);
        var child = await PersonAsync(host, 5, "Mia", new DateOnly(2018, 6, 1));
        var grown = await PersonAsync(host, 6, "Lea", new DateOnly(2005, 6, 1));
        var representation = await RepresentAsync(host, child.Kvnr, parent.Person.Kvnr, new DateOnly(2018, 6, 1));
        var tooOld = await RepresentAsync(host, grown.Kvnr, parent.Person.Kvnr, new DateOnly(2005, 6, 1));

        var page = await chromium.NewPageAsync(host);
        await PortalSignIn.SignInAsync(page, parent);
        await PortalSignIn.StepUpNowAsync(page, parent);

        // Not possible today: the confirmation page says why and offers no button.
        await page.GotoAsync($"/portal/vertretung/wechseln/{tooOld:N}");
        await Assertions.Expect(page.Locator("main [role=alert]")).ToContainTextAsync("15 Jahre oder älter");
        await Assertions.Expect(page.Locator("main form")).ToHaveCountAsync(0);
        await PageChecks.AssertGoodAsync(page, $"representation-unavailable-{provider}");

        // Without the antiforgery token a switch back is refused before anything happens.
        var forged = await page.Context.APIRequest.PostAsync(host.Url("/portal/vertretung?handler=Zurueck"));
        Assert.Equal(400, forged.Status);

        await page.GotoAsync($"/portal/vertretung/wechseln/{representation:N}");
        await page.ClickAsync("main form button[type=submit]");
        await page.WaitForURLAsync("**/portal/uebersicht");

        // The Kasse ends the representation (e.g. the court lifted it): the next request no longer shows the child's data.
        await using (var db = host.NewContext())
        {
            var row = await db.Representatives.SingleAsync(r => r.Id == representation, Ct);
            row.ValidTo = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-2));
            await db.SaveChangesAsync(Ct);
        }
        foreach (var (path, name) in new[] { ("/portal/verlauf", "history"), ("/portal/briefe", "letters"), ("/portal/uebersicht", "overview") })
        {
            var answer = await page.GotoAsync(path);
            Assert.Equal(403, answer!.Status);
            await Assertions.Expect(page.Locator("#fehler")).ToContainTextAsync("gilt heute nicht");
            Assert.DoesNotContain("Sie handeln für Mia", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
            await PageChecks.AssertGoodAsync(page, $"representation-ended-{name}-{provider}");
        }

        // The way back still works.
        await page.GotoAsync("/portal/vertretung");
        await page.ClickAsync("main form button[type=submit]");
        await Assertions.Expect(page.GetByText("Sie sind zurück in Ihrem eigenen Konto.")).ToBeVisibleAsync();
        await page.GotoAsync("/portal/uebersicht");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Guten Tag, Jürgen Müßig");
    }
}
