using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pforte.Core.Staff;

namespace Pforte.Workspace;

/// <summary>Settings of the sign-in with a company account (<c>Pforte:Workspace:Oidc</c>); off while Authority or ClientId is empty.</summary>
public sealed class WorkspaceOidcOptions
{
    public const string Section = "Pforte:Workspace:Oidc";

    /// <summary>The provider (issuer) address, e.g. <c>https://login.microsoftonline.com/&lt;tenant&gt;/v2.0</c> or a Keycloak realm.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The claim that carries the provider's roles or groups (default <c>roles</c>).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Provider role or group → Pforte role (<see cref="StaffRoles"/>); unmapped values give no role.</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The Kasse (IK) whose staff sign in with this provider.</summary>
    public string? KasseIk { get; set; }

    /// <summary>The button's text on the sign-in page (default "Mit Unternehmenskonto anmelden").</summary>
    public string? DisplayName { get; set; }

    /// <summary>Scopes asked for besides <c>openid profile</c>, separated by spaces.</summary>
    public string? Scopes { get; set; }

    /// <summary>Only for a provider on this machine over plain HTTP (tests, a local Keycloak): allow metadata over HTTP.</summary>
    public bool AllowHttpMetadata { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>The Pforte roles the provider's claim values give.</summary>
    public IReadOnlySet<string> MapRoles(IEnumerable<string> providerValues) =>
        providerValues.Select(v => RoleMap.TryGetValue(v, out var mapped) ? mapped : null)
            .Where(StaffRoles.IsKnown).Select(r => r!).ToHashSet(StringComparer.Ordinal);
}

/// <summary>
/// The OpenID Connect sign-in (authorization code + PKCE) when configured: the provider's answer lands in a short-lived
/// cookie of its own (<see cref="WorkspaceAuth.ExternalScheme"/>), the page <see cref="WorkspacePaths.OidcDone"/> turns
/// it into a staff record and a workspace session. A failure at the provider leads to the access-denied page.
/// </summary>
internal static class WorkspaceOidc
{
    public static void Add(IServiceCollection services, AuthenticationBuilder authentication, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<WorkspaceOidcOptions>().Bind(configuration.GetSection(WorkspaceOidcOptions.Section));
        var settings = configuration.GetSection(WorkspaceOidcOptions.Section).Get<WorkspaceOidcOptions>() ?? new WorkspaceOidcOptions();
        if (!settings.Enabled)
        {
            return;
        }
        authentication.AddCookie(WorkspaceAuth.ExternalScheme, o =>
        {
            o.Cookie.Name = "pforte-arbeitsplatz-extern";
            o.Cookie.Path = WorkspaceSurface.PathPrefix;
            o.Cookie.HttpOnly = true;
            // Lax: the provider's redirect back is a top-level navigation from another site.
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = Portal.PortalSurface.CookieSecurity(environment);
            o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
            o.SlidingExpiration = false;
        });
        authentication.AddOpenIdConnect(WorkspaceAuth.OidcScheme, o =>
        {
            o.Authority = settings.Authority;
            o.ClientId = settings.ClientId;
            o.ClientSecret = settings.ClientSecret;
            o.ResponseType = "code";
            o.ResponseMode = "query";
            o.UsePkce = true;
            o.SignInScheme = WorkspaceAuth.ExternalScheme;
            o.CallbackPath = WorkspacePaths.OidcCallback;
            o.RequireHttpsMetadata = !settings.AllowHttpMetadata;
            o.MapInboundClaims = false;
            // The handler drops "iss" from the principal by default; the staff record is keyed by issuer + subject.
            o.ClaimActions.Remove("iss");
            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            o.Scope.Clear();
            o.Scope.Add("openid");
            o.Scope.Add("profile");
            foreach (var scope in (settings.Scopes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                o.Scope.Add(scope);
            }
            o.TokenValidationParameters.NameClaimType = "name";
            o.TokenValidationParameters.RoleClaimType = settings.RoleClaim;
            foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
            {
                cookie.SameSite = SameSiteMode.Lax;
                cookie.SecurePolicy = Portal.PortalSurface.CookieSecurity(environment);
                cookie.Path = WorkspaceSurface.PathPrefix;
            }
            // The provider answered "access_denied" (the person cancelled, or the provider refused them).
            o.Events.OnAccessDenied = context =>
            {
                context.HandleResponse();
                return FailedAsync(context.HttpContext, cancelled: true, reason: "access_denied");
            };
            o.Events.OnRemoteFailure = context =>
            {
                context.HandleResponse();
                // The handler's reason (no state, wrong state, no token) for the operator; the person sees the German page.
                return FailedAsync(context.HttpContext, cancelled: false, reason: context.Failure?.Message);
            };
        });
    }

    /// <summary>The sign-in came back without a usable answer: logged (the handler's reason, never a token), audited, the German page.</summary>
    private static async Task FailedAsync(HttpContext http, bool cancelled, string? reason)
    {
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Pforte.Workspace.Oidc")
            .LogWarning("Sign-in with a company account failed at the provider's answer: {Reason}", reason);
        var options = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<WorkspaceOidcOptions>>().Value;
        await http.RequestServices.GetRequiredService<StaffProvisioning>()
            .FailedAsync(options.KasseIk, cancelled, http.RequestServices.GetRequiredService<WorkspaceSignIn>().Visitor(), http.RequestAborted).ConfigureAwait(false);
        http.Response.Redirect(WorkspacePaths.AccessDenied + (cancelled ? "?grund=abgebrochen" : "?grund=fehler"));
    }

    /// <summary>What the provider's answer says, for <see cref="StaffProvisioning"/>.</summary>
    public static ExternalStaffIdentity? Identity(ClaimsPrincipal? principal, WorkspaceOidcOptions options)
    {
        if (principal?.FindFirst("sub") is not { Value.Length: > 0 } sub
            || (principal.FindFirst("iss")?.Value ?? (sub.Issuer == ClaimsIdentity.DefaultIssuer ? null : sub.Issuer)) is not { Length: > 0 } issuer)
        {
            return null;
        }
        var subject = sub.Value;
        var values = principal.FindAll(options.RoleClaim).SelectMany(c => c.Value.StartsWith('[') ? ParseArray(c.Value) : [c.Value]);
        return new ExternalStaffIdentity(options.KasseIk ?? "", issuer, subject,
            principal.FindFirst("preferred_username")?.Value ?? principal.FindFirst("email")?.Value,
            principal.FindFirst("name")?.Value, [.. options.MapRoles(values)]);
    }

    private static string[] ParseArray(string json)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<string[]>(json) ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }
}
