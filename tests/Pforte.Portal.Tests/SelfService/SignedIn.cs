using Microsoft.Playwright;
using Pforte.Core.Insured;
using Pforte.Portal.Tests.Accounts;
using Pforte.Testing.Accounts;

namespace Pforte.Portal.Tests.SelfService;

/// <summary>A person of <see cref="SelfServiceArrange"/> with a portal account, signed in through the real pages (the accounts' helpers).</summary>
public static class SignedIn
{
    public static async Task<IPage> PageAsync(Chromium chromium, PortalHost host, InsuredPerson person, string code = "3852")
    {
        ArgumentNullException.ThrowIfNull(chromium);
        ArgumentNullException.ThrowIfNull(person);
        var account = await AccountAsync(host, person, code);
        var page = await chromium.NewPageAsync(host);
        await PortalSignIn.SignInAsync(page, account);
        // The self-service pages are high-value: they ask for the second factor again after a sign-in.
        await PortalSignIn.StepUpNowAsync(page, account);
        return page;
    }

    public static async Task<TestAccount> AccountAsync(PortalHost host, InsuredPerson person, string code = "3852")
    {
        ArgumentNullException.ThrowIfNull(person);
        var card = await SelfServiceArrange.CardAsync(host, person.Id);
        return await PortalSignIn.CreateAccountAsync(host, new CodedPerson(person.Id, person.Kvnr, card, code), "p" + person.Kvnr.ToLowerInvariant());
    }
}
