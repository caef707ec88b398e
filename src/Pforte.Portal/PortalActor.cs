using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Pforte.Portal;

/// <summary>The portal's sign-in: one cookie scheme and one policy for every page that needs a signed-in person.</summary>
public static class PortalAuth
{
    /// <summary>The cookie authentication scheme of the portal (configured with the accounts).</summary>
    public const string Scheme = "Pforte.Portal";

    /// <summary>Policy of every page that needs a signed-in person.</summary>
    public const string PersonPolicy = "PortalPerson";

    /// <summary>Where <see cref="RequiresStepUpAttribute"/> sends a person whose last second factor is too old.</summary>
    public const string StepUpPath = "/portal/anmelden/bestaetigen";
}

/// <summary>Claims of the portal cookie. Identifiers only: no name, no KVNR, no secret.</summary>
public static class PortalClaims
{
    public const string AccountId = "pforte:account";
    public const string PersonId = "pforte:person";
    public const string KasseId = "pforte:kasse";

    /// <summary>The <c>PersonAuthentication</c> the login (or the switch to a represented person) recorded.</summary>
    public const string AuthenticationId = "pforte:authentication";

    /// <summary>The server-side session; revoking it ends the cookie.</summary>
    public const string SessionId = "pforte:session";

    /// <summary>The trust level of the authentication (TrustLevels).</summary>
    public const string Level = "pforte:level";

    /// <summary>While a representative acts for a person: that person.</summary>
    public const string ActingForPersonId = "pforte:acting-for";

    /// <summary>While a representative acts for a person: the representative record.</summary>
    public const string RepresentativeId = "pforte:representative";

    /// <summary>When the second factor was last given (Unix seconds), for <see cref="RequiresStepUpAttribute"/>.</summary>
    public const string StepUpAt = "pforte:step-up-at";
}

/// <summary>Who is signed in to the portal, read from the cookie's claims.</summary>
/// <param name="AccountId">The portal account.</param>
/// <param name="PersonId">The insured person the account belongs to.</param>
/// <param name="KasseId">That person's Kasse.</param>
/// <param name="AuthenticationId">The authentication the disclosure decision is asked with.</param>
/// <param name="SessionId">The server-side session.</param>
/// <param name="Level">Trust level of that authentication.</param>
/// <param name="ActingForPersonId">The represented person while acting for one.</param>
/// <param name="RepresentativeId">The representative record while acting for a person.</param>
/// <param name="StepUpAt">When the second factor was last given.</param>
public sealed record PortalActor(
    Guid AccountId,
    Guid PersonId,
    Guid KasseId,
    Guid AuthenticationId,
    Guid SessionId,
    string Level,
    Guid? ActingForPersonId,
    Guid? RepresentativeId,
    DateTimeOffset? StepUpAt)
{
    /// <summary>The person whose data the pages show and change: the represented person while acting for one.</summary>
    public Guid SubjectPersonId => ActingForPersonId ?? PersonId;

    public bool IsActingForSomeoneElse => ActingForPersonId is not null;

    /// <summary>The actor of a signed-in principal, or null when the principal is not a complete portal sign-in.</summary>
    public static PortalActor? From(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true })
        {
            return null;
        }
        if (Id(user, PortalClaims.AccountId) is not { } account
            || Id(user, PortalClaims.PersonId) is not { } person
            || Id(user, PortalClaims.KasseId) is not { } kasse
            || Id(user, PortalClaims.AuthenticationId) is not { } authentication
            || Id(user, PortalClaims.SessionId) is not { } session
            || user.FindFirstValue(PortalClaims.Level) is not { Length: > 0 } level)
        {
            return null;
        }
        DateTimeOffset? stepUp = long.TryParse(user.FindFirstValue(PortalClaims.StepUpAt), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
        return new PortalActor(account, person, kasse, authentication, session, level,
            Id(user, PortalClaims.ActingForPersonId), Id(user, PortalClaims.RepresentativeId), stepUp);
    }

    /// <summary>The claims of this actor, for the cookie.</summary>
    public IEnumerable<Claim> ToClaims()
    {
        yield return new Claim(PortalClaims.AccountId, AccountId.ToString());
        yield return new Claim(PortalClaims.PersonId, PersonId.ToString());
        yield return new Claim(PortalClaims.KasseId, KasseId.ToString());
        yield return new Claim(PortalClaims.AuthenticationId, AuthenticationId.ToString());
        yield return new Claim(PortalClaims.SessionId, SessionId.ToString());
        yield return new Claim(PortalClaims.Level, Level);
        if (ActingForPersonId is { } actingFor)
        {
            yield return new Claim(PortalClaims.ActingForPersonId, actingFor.ToString());
        }
        if (RepresentativeId is { } representative)
        {
            yield return new Claim(PortalClaims.RepresentativeId, representative.ToString());
        }
        if (StepUpAt is { } stepUp)
        {
            yield return new Claim(PortalClaims.StepUpAt, stepUp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        }
    }

    private static Guid? Id(ClaimsPrincipal user, string type) =>
        Guid.TryParse(user.FindFirstValue(type), out var id) ? id : null;
}

/// <summary>Settings of the portal surface (<c>Pforte:Portal</c>).</summary>
public sealed class PortalOptions
{
    public const string Section = "Pforte:Portal";

    /// <summary>
    /// The Kasse (IK) whose portal this node serves before anyone signs in (name, logo and colours of the public
    /// pages). Empty: the only Kasse of the database.
    /// </summary>
    public string? KasseIk { get; set; }

    /// <summary>How long a second factor counts for high-value actions (address, bank details, code, representatives, contact e-mail).</summary>
    public TimeSpan StepUpValidity { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// A page (or handler) for a high-value action: allowed only when the signed-in person gave a second factor at most
/// <see cref="PortalOptions.StepUpValidity"/> ago; otherwise the person is sent to confirm it
/// (<see cref="PortalAuth.StepUpPath"/>) and comes back.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RequiresStepUpAttribute : Attribute, IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var services = context.HttpContext.RequestServices;
        var validity = services.GetRequiredService<IOptions<PortalOptions>>().Value.StepUpValidity;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var actor = PortalActor.From(context.HttpContext.User);
        if (actor?.StepUpAt is { } at && at <= now && now - at <= validity)
        {
            await next().ConfigureAwait(false);
            return;
        }
        var request = context.HttpContext.Request;
        var returnUrl = request.PathBase + request.Path + request.QueryString;
        context.Result = new RedirectResult(PortalAuth.StepUpPath + "?returnUrl=" + Uri.EscapeDataString(returnUrl));
    }
}
