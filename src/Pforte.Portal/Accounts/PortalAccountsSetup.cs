using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pforte.Core.Accounts;

namespace Pforte.Portal.Accounts;

/// <summary>
/// The portal's sign-in machinery (ADR 0015): the cookie scheme <see cref="PortalAuth.Scheme"/> — HttpOnly,
/// SameSite=Strict, Secure except on plain http://localhost in Development/Testing, 15 minutes sliding — whose every
/// request is checked against its server-side session (idle 15 min, absolute 8 h, revocable); Identity's passkey
/// handler; and the per-IP rate limits of sign-in, registration and activation.
/// </summary>
public static class PortalAccountsSetup
{
    public const string CookieName = "pforte-sitzung";

    /// <summary>Rate-limit policy of the sign-in pages (password, second factor, step-up, passkey).</summary>
    public const string SignInLimit = "portal-sign-in";

    /// <summary>Rate-limit policy of registration and the activation letter.</summary>
    public const string RegistrationLimit = "portal-registration";

    /// <summary>The public contact form: 5 submissions per minute and IP (scaled by the factor).</summary>
    public const string ContactFormLimit = "portal-contact-form";

    public static IServiceCollection AddPortalAccounts(this IServiceCollection services, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        services.AddAuthentication().AddCookie(PortalAuth.Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.Path = PortalSurface.PathPrefix;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = PortalSurface.CookieSecurity(environment);
            o.ExpireTimeSpan = TimeSpan.FromMinutes(15);
            o.SlidingExpiration = true;
            o.LoginPath = PortalPaths.SignIn;
            o.LogoutPath = PortalPaths.SignOut;
            o.AccessDeniedPath = PortalPaths.SignIn;
            o.ReturnUrlParameter = "returnUrl";
            o.Events.OnValidatePrincipal = ValidateSessionAsync;
        });
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, CookieTimeouts>();
        services.AddScoped<PortalFlowCookies>();
        services.AddScoped<PortalSignIn>();
        ConfigurePasskeys(services);
        services.AddScoped<IPasskeyHandler<PortalAccount>, PasskeyHandler<PortalAccount>>();
        services.AddScoped<PasskeyCeremonies>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInLimit, http => PerIp(http, 20));
            o.AddPolicy(RegistrationLimit, http => PerIp(http, 10));
            o.AddPolicy(ContactFormLimit, http => PerIp(http, 5));
        });
        return services;
    }

    /// <summary>Identity's passkey options for every surface (portal and workspace).</summary>
    public static void ConfigurePasskeys(IServiceCollection services)
    {
        services.Configure<IdentityPasskeyOptions>(o =>
        {
            // Two factors in one (ADR 0015): the device and its PIN or biometrics.
            o.UserVerificationRequirement = "required";
            o.ResidentKeyRequirement = "required";
            // The page's own origin (scheme, host, port as the request reached the host — behind a TLS proxy, forward
            // the original scheme and host), never a frame or another site.
            o.ValidateOrigin = context =>
            {
                var request = context.HttpContext.Request;
                var own = $"{request.Scheme}://{request.Host.Value}";
                return ValueTask.FromResult(!context.CrossOrigin && string.Equals(context.Origin, own, StringComparison.OrdinalIgnoreCase));
            };
        });
    }

    /// <summary>
    /// After UseAuthentication: on portal paths the signed-in person (if any) is the request's user — the API's key
    /// scheme is the host's default — so that every portal page and its antiforgery tokens see the same user, signed
    /// in or not. The host calls <c>UseRateLimiter</c> after it (once for every surface).
    /// </summary>
    public static WebApplication UsePortalAccounts(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(PortalSurface.IsPortal, portal => portal.Use(async (context, next) =>
        {
            var result = await context.AuthenticateAsync(PortalAuth.Scheme).ConfigureAwait(false);
            if (result.Succeeded)
            {
                context.User = result.Principal;
            }
            await next().ConfigureAwait(false);
        }));
        return app;
    }

    /// <summary>POSTs per minute and IP address; reading a form is not limited.</summary>
    public static RateLimitPartition<string> PerIp(HttpContext http, int perMinute)
    {
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            return RateLimitPartition.GetNoLimiter("get");
        }
        var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var limit = http.RequestServices.GetRequiredService<IOptions<PortalRateLimits>>().Value.Scale(perMinute);
        return RateLimitPartition.GetFixedWindowLimiter(ip + "|" + perMinute, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }

    /// <summary>The cookie's session must be alive on the server; otherwise the cookie is rejected and removed.</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var actor = PortalActor.From(context.Principal);
        var sessions = context.HttpContext.RequestServices.GetRequiredService<PortalSessions>();
        if (actor is null || !await sessions.ValidateAsync(actor.SessionId, actor.AccountId, context.HttpContext.RequestAborted).ConfigureAwait(false))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(PortalAuth.Scheme).ConfigureAwait(false);
        }
    }

    /// <summary>The cookie's sliding time follows the accounts' idle timeout (one setting for both).</summary>
    private sealed class CookieTimeouts(IOptions<PortalAccountOptions> accounts) : IPostConfigureOptions<CookieAuthenticationOptions>
    {
        public void PostConfigure(string? name, CookieAuthenticationOptions options)
        {
            if (name == PortalAuth.Scheme)
            {
                options.ExpireTimeSpan = accounts.Value.IdleTimeout;
            }
        }
    }
}

/// <summary>
/// Scaling of the per-IP limits (<c>Pforte:Portal:RateLimits:Factor</c>, default 1): a load test from one address
/// raises it; tests lower the limits to see them act.
/// </summary>
public sealed class PortalRateLimits
{
    public const string Section = "Pforte:Portal:RateLimits";

    public double Factor { get; set; } = 1;

    public int Scale(int perMinute) => Math.Max(1, (int)Math.Round(perMinute * Factor));
}

/// <summary>Addresses of the account pages (lower case, as routed).</summary>
public static class PortalPaths
{
    public const string SignIn = "/portal/anmelden";
    public const string SecondFactor = "/portal/anmelden/code";
    public const string SignOut = "/portal/abmelden";
    public const string Register = "/portal/konto/anlegen";
    public const string RegisterCredentials = "/portal/konto/zugangsdaten";
    public const string RegisterSecondFactor = "/portal/konto/faktor";
    public const string Activation = "/portal/konto/aktivierungsbrief";
    public const string Security = "/portal/konto/sicherheit";

    /// <summary>Where a completed sign-in lands (the overview).</summary>
    public const string Home = "/portal/uebersicht";

    /// <summary>A return address is followed only when it is a path of the portal (no open redirect).</summary>
    public static string SafeReturn(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith(PortalSurface.PathPrefix + "/", StringComparison.Ordinal)
            && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
            && Uri.IsWellFormedUriString(url, UriKind.Relative)
            ? url
            : Home;
}
