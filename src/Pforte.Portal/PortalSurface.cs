using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pforte.Core.Insured;

namespace Pforte.Portal;

/// <summary>Registers and maps the portal "Meine Kasse" under <see cref="PathPrefix"/> (ADR 0018).</summary>
public static class PortalSurface
{
    public const string PathPrefix = "/portal";

    /// <summary>The portal's services: Razor Pages of the "Portal" area, its options, the Kasse of a request.</summary>
    public static IServiceCollection AddPfortePortal(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        services.AddOptions<PortalOptions>().Bind(configuration.GetSection(PortalOptions.Section));
        services.AddHttpContextAccessor();
        services.AddScoped<PortalKasse>();
        SelfService.SelfServiceRegistration.AddPortalSelfService(services, configuration);
        services.AddScoped<ContactForm.ContactFormToken>();
        services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        services.AddRazorPages();
        // German text as it is (ä, „“, –), not as numeric character references; HTML-significant characters stay encoded.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        AddSurfaceAntiforgery(services, environment);
        // Accounts, cookie scheme, sessions, passkeys, rate limits (ADR 0015).
        services.AddOptions<Accounts.PortalRateLimits>().Bind(configuration.GetSection(Accounts.PortalRateLimits.Section));
        Accounts.PortalAccountsSetup.AddPortalAccounts(services, environment);
        services.AddAuthorizationBuilder().AddPolicy(PortalAuth.PersonPolicy, p => p
            .AddAuthenticationSchemes(PortalAuth.Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim(PortalClaims.SessionId));
        return services;
    }

    /// <summary>
    /// Antiforgery of the pages of every surface (portal, workspace): one cookie name, but the cookie's path is the
    /// surface of the request (<c>/portal</c> or <c>/arbeitsplatz</c>), so that neither surface's cookie travels to the other.
    /// </summary>
    public static void AddSurfaceAntiforgery(IServiceCollection services, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(environment);
        services.AddAntiforgery(o =>
        {
            // No Path here: antiforgery would set it over the builder's (the builder chooses it per request).
            o.Cookie = new SurfaceCookieBuilder
            {
                Name = "pforte-af",
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                SecurePolicy = CookieSecurity(environment),
                IsEssential = true,
            };
            o.FormFieldName = "__af";
        });
    }

    /// <summary>A cookie whose path is the surface of the request (<c>/arbeitsplatz</c> or, otherwise, <c>/portal</c>).</summary>
    private sealed class SurfaceCookieBuilder : CookieBuilder
    {
        public static readonly string[] Surfaces = [PathPrefix, "/arbeitsplatz"];

        public override CookieOptions Build(HttpContext context, DateTimeOffset expiresFrom)
        {
            var options = base.Build(context, expiresFrom);
            options.Path = PathPrefix;
            foreach (var surface in Surfaces)
            {
                if (context.Request.Path.StartsWithSegments(surface, StringComparison.OrdinalIgnoreCase))
                {
                    options.Path = surface;
                }
            }
            return options;
        }
    }

    /// <summary>
    /// Cookies of the portal are Secure whenever the request came over HTTPS (directly, or through a proxy named in
    /// <c>Pforte:ForwardedHeaders:KnownProxies</c>). Plain HTTP reaches the portal only from this machine itself
    /// (a developer's browser, the tests, a benchmark): from anywhere else it is sent to HTTPS or refused
    /// (<see cref="UsePfortePortal"/>), so a cookie never travels in clear over a network.
    /// </summary>
    public static CookieSecurePolicy CookieSecurity(IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return CookieSecurePolicy.SameAsRequest;
    }

    /// <summary>
    /// The portal's part of the middleware pipeline, before routing: its headers, HSTS, and German error pages
    /// (an exception or an error status under /portal re-executes <c>/portal/fehler/{status}</c> instead of the API's
    /// problem details). Call before <c>UseRouting</c>, so that the re-executed request is routed again.
    /// </summary>
    public static WebApplication UsePfortePortal(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Environment.IsDevelopment() && !app.Environment.IsEnvironment("Testing"))
        {
            app.UseHsts();
        }
        // Styles and fonts as files (middleware, not endpoints: in Development MapStaticAssets adds a catch-all GET
        // route that would answer the API's unknown paths with 405 instead of 404).
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "public, max-age=86400",
        });
        app.UseWhen(IsPortal, portal =>
        {
            portal.Use(OnlyHttpsFromElsewhere);
            portal.Use(PortalHeaders.SetAsync);
            portal.UseExceptionHandler(PathPrefix + "/fehler/500");
            portal.UseStatusCodePagesWithReExecute(PathPrefix + "/fehler/{0}");
            portal.Use(RefuseTooLarge);
        });
        return app;
    }

    /// <summary>
    /// A form larger than it may be (a few fields; with files what the attachment limits allow, <see cref="PortalUploads"/>)
    /// is answered with the German 413 page, and nothing of it is kept. A browser shows that page only once it has sent
    /// its whole form (an answer while it still uploads reads to it as a broken connection), so a body up to twice the
    /// limit is read to its end and thrown away first; a larger one is cut off unread. The host has set the limit on
    /// the connection, so a body without a declared length is cut off there.
    /// </summary>
    private static async Task RefuseTooLarge(HttpContext context, Func<Task> next)
    {
        var limit = PortalUploads.Is(context.Request) ? PortalUploads.Limit(context.RequestServices) : MaxFormBytes;
        // The error page itself is re-executed with the same request headers: it is let through.
        if (context.Request.ContentLength is not { } length || length <= limit
            || context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is not null)
        {
            await next().ConfigureAwait(false);
            return;
        }
        if (length <= 2 * limit && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = length;
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
        }
        // The error page is rendered for a request without a form: nothing of the refused one is read again.
        context.Request.Body = Stream.Null;
        context.Request.ContentLength = 0;
        context.Request.ContentType = null;
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
    }

    /// <summary>A form without files: its fields fit into this many bytes.</summary>
    public const long MaxFormBytes = 64 * 1024;

    /// <summary>
    /// Plain HTTP from another machine: a GET is redirected to the same address over HTTPS (308), anything else is
    /// refused with 400 — before a form, a cookie or a password is read. Loopback may use plain HTTP.
    /// </summary>
    public static Task OnlyHttpsFromElsewhere(HttpContext context, Func<Task> next)
    {
        if (context.Request.IsHttps || context.Connection.RemoteIpAddress is { } ip && System.Net.IPAddress.IsLoopback(ip))
        {
            return next();
        }
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            var request = context.Request;
            var host = request.Host.HasValue ? new HostString(request.Host.Host) : request.Host;
            context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            context.Response.Headers.Location = "https://" + host + request.PathBase + request.Path + request.QueryString;
            return Task.CompletedTask;
        }
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return Task.CompletedTask;
    }

    public static bool IsPortal(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Path.StartsWithSegments(PathPrefix);
    }

    /// <summary>Maps the pages, the static files and the Kasse's theme and logo.</summary>
    public static WebApplication MapPfortePortal(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapRazorPages();
        app.MapGet("/", () => Results.Redirect(PathPrefix)).ExcludeFromDescription();
        app.MapGet(PathPrefix + "/kasse/theme.css", ThemeAsync).ExcludeFromDescription();
        app.MapGet(PathPrefix + "/kasse/{id:guid}/logo.png", LogoAsync).ExcludeFromDescription();
        return app;
    }

    /// <summary>The Kasse's colour as KERN variables: a style sheet, because the pages allow no inline style.</summary>
    private static async Task<IResult> ThemeAsync(PortalKasse kasse, HttpContext context)
    {
        var brand = await kasse.CurrentAsync(context.RequestAborted).ConfigureAwait(false);
        var css = brand?.BrandColor is { } color && KasseBranding.CheckColor(color) is null
            ? $":root{{--pforte-brand:{color};--kern-color-action-default:{color};}}\n"
            : "";
        context.Response.Headers.CacheControl = "no-cache";
        return Results.Text(css, "text/css; charset=utf-8");
    }

    private static async Task<IResult> LogoAsync(Guid id, PortalKasse kasse, HttpContext context)
    {
        var png = await kasse.LogoAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (png is null)
        {
            return Results.NotFound();
        }
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Bytes(png, "image/png");
    }
}

/// <summary>
/// Headers of every portal answer: a Content-Security-Policy without 'unsafe-inline' — scripts only from this
/// host or with the request's nonce, styles only from this host — no framing, no caching of personal pages.
/// </summary>
public static class PortalHeaders
{
    private const string NonceKey = "pforte-csp-nonce";

    public static string Nonce(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items[NonceKey] is string nonce)
        {
            return nonce;
        }
        nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        return nonce;
    }

    public static string Policy(string nonce) =>
        $"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self'; font-src 'self'; " +
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public static Task SetAsync(HttpContext context, Func<Task> next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy(Nonce(context));
        // What antiforgery sets on every page with a form (the header's sign-out form is on nearly all): set already
        // here, the framework has nothing to override — and no warning to log on every request.
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
        return next();
    }
}
