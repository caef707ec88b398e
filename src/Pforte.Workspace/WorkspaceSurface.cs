using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pforte.Core.Staff;
using Pforte.Portal;
using Pforte.Portal.Accounts;

namespace Pforte.Workspace;

/// <summary>
/// Registers and maps the staff workspace "Arbeitsplatz" under <see cref="PathPrefix"/> (issue 14, ADR 0023): its Razor
/// Pages (area <c>Arbeitsplatz</c>), the cookie scheme <c>pforte-arbeitsplatz</c> (path /arbeitsplatz, HttpOnly,
/// SameSite=Strict) checked against its server-side session on every request, the role policies, the per-IP limit on
/// sign-in, optionally OpenID Connect; headers and German error pages as in the portal.
/// </summary>
public static class WorkspaceSurface
{
    public const string PathPrefix = "/arbeitsplatz";

    /// <summary>Rate-limit policy of the sign-in pages (POSTs per minute and IP, scaled like the portal's).</summary>
    public const string SignInLimit = "workspace-sign-in";

    public static IServiceCollection AddPforteWorkspace(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        services.AddHttpContextAccessor();
        services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        services.AddRazorPages(o => o.Conventions.AddAreaFolderApplicationModelConvention("Arbeitsplatz", "/", m => m.Filters.Add(new AuditorReadOnlyFilter())));
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        PortalSurface.AddSurfaceAntiforgery(services, environment);
        services.AddOptions<PortalRateLimits>().Bind(configuration.GetSection(PortalRateLimits.Section));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInLimit, http => PortalAccountsSetup.PerIp(http, 20));
        });
        var authentication = services.AddAuthentication().AddCookie(WorkspaceAuth.Scheme, o =>
        {
            o.Cookie.Name = WorkspaceAuth.CookieName;
            o.Cookie.Path = PathPrefix;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = PortalSurface.CookieSecurity(environment);
            o.ExpireTimeSpan = TimeSpan.FromMinutes(15);
            o.SlidingExpiration = true;
            o.LoginPath = WorkspacePaths.SignIn;
            o.LogoutPath = WorkspacePaths.SignOut;
            o.ReturnUrlParameter = "returnUrl";
            o.Events.OnValidatePrincipal = ValidateSessionAsync;
            // A signed-in staff member without the page's role gets the German 403 page, not a redirect.
            o.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, CookieTimeouts>();
        WorkspaceOidc.Add(services, authentication, configuration, environment);
        PortalAccountsSetup.ConfigurePasskeys(services);
        services.AddScoped<Microsoft.AspNetCore.Identity.IPasskeyHandler<StaffAccount>, Microsoft.AspNetCore.Identity.PasskeyHandler<StaffAccount>>();
        services.AddScoped<WorkspacePasskeys>();
        services.AddScoped<WorkspaceSignIn>();
        services.AddScoped<WorkspaceFlow>();
        WorkspacePolicies.Add(services.AddAuthorizationBuilder());
        return services;
    }

    public static bool IsWorkspace(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Path.StartsWithSegments(PathPrefix);
    }

    /// <summary>
    /// The workspace's part of the pipeline, before routing: plain HTTP only from this machine, its headers (CSP without
    /// inline script or style, no caching), German error pages (<c>/arbeitsplatz/fehler/{status}</c>).
    /// </summary>
    public static WebApplication UsePforteWorkspace(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "public, max-age=86400",
        });
        app.UseWhen(IsWorkspace, workspace =>
        {
            workspace.Use(PortalSurface.OnlyHttpsFromElsewhere);
            workspace.Use(PortalHeaders.SetAsync);
            workspace.UseExceptionHandler(PathPrefix + "/fehler/500");
            workspace.UseStatusCodePagesWithReExecute(PathPrefix + "/fehler/{0}");
        });
        return app;
    }

    /// <summary>After UseAuthentication: on workspace paths the signed-in staff member (if any) is the request's user.</summary>
    public static WebApplication UseWorkspaceAccounts(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(IsWorkspace, workspace => workspace.Use(async (context, next) =>
        {
            var result = await context.AuthenticateAsync(WorkspaceAuth.Scheme).ConfigureAwait(false);
            context.User = result.Succeeded ? result.Principal : new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
            await next().ConfigureAwait(false);
        }));
        return app;
    }

    public static WebApplication MapPforteWorkspace(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapRazorPages();
        return app;
    }

    /// <summary>The cookie's session must be alive and its account enabled; roles and name follow the account.</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var actor = WorkspaceClaims.Actor(context.Principal);
        var sessions = context.HttpContext.RequestServices.GetRequiredService<StaffSessions>();
        var current = actor is null || !Guid.TryParse(actor.StaffId, out var accountId)
            ? null
            : await sessions.ValidateAsync(actor.SessionId, accountId, context.HttpContext.RequestAborted).ConfigureAwait(false);
        if (current is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(WorkspaceAuth.Scheme).ConfigureAwait(false);
            return;
        }
        if (!current.Roles.SetEquals(actor!.Roles) || current.DisplayName != actor.DisplayName)
        {
            context.ReplacePrincipal(WorkspaceClaims.Principal(current));
            context.ShouldRenew = true;
        }
    }

    /// <summary>The cookie's sliding time follows the staff sessions' idle timeout.</summary>
    private sealed class CookieTimeouts(IOptions<StaffOptions> staff) : IPostConfigureOptions<CookieAuthenticationOptions>
    {
        public void PostConfigure(string? name, CookieAuthenticationOptions options)
        {
            if (name == WorkspaceAuth.Scheme)
            {
                options.ExpireTimeSpan = staff.Value.IdleTimeout;
            }
        }
    }
}
