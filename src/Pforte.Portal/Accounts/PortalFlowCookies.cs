using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Pforte.Core.Accounts;

namespace Pforte.Portal.Accounts;

/// <summary>A sign-in between its password and its second factor.</summary>
public sealed record PendingSignIn(Guid AccountId, string? ReturnUrl);

/// <summary>
/// The state between the steps of registration and sign-in, and of a passkey ceremony, in short-lived cookies the
/// browser cannot read or forge (Data Protection, time-limited, HttpOnly, SameSite=Strict, path /portal). Nothing
/// secret is in them — ids only; the Core steps check every id against the database again.
/// </summary>
public sealed class PortalFlowCookies(IHttpContextAccessor accessor, IDataProtectionProvider protection)
{
    public const string Registration = "pforte-registrierung";
    public const string SignIn = "pforte-anmeldung";
    public const string Passkey = "pforte-passkey";

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Pforte.Portal.Accounts.Flow.v1").ToTimeLimitedDataProtector();

    private HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No request.");

    public void SetRegistration(RegistrationTicket ticket) => Set(Registration, ticket, TimeSpan.FromMinutes(30));

    public RegistrationTicket? GetRegistration() => Get<RegistrationTicket>(Registration);

    public void SetSignIn(PendingSignIn pending) => Set(SignIn, pending, TimeSpan.FromMinutes(5));

    public PendingSignIn? GetSignIn() => Get<PendingSignIn>(SignIn);

    /// <summary>Identity's attestation or assertion state of a passkey ceremony (its challenge), for 5 minutes.</summary>
    public void SetPasskeyState(string purpose, string? state) => Set(Passkey, new PasskeyState(purpose, state), TimeSpan.FromMinutes(5));

    public string? GetPasskeyState(string purpose) => Get<PasskeyState>(Passkey) is { } s && s.Purpose == purpose ? s.State : null;

    public void Clear(string name) => Jar.Clear(name);

    private FlowCookieJar Jar => new(Http, _protector, PortalSurface.PathPrefix);

    private void Set<T>(string name, T value, TimeSpan lifetime) => Jar.Set(name, value, lifetime);

    private T? Get<T>(string name) where T : class => Jar.Get<T>(name);

    private sealed record PasskeyState(string Purpose, string? State);
}
