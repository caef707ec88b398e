using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Pforte.Workspace.Tests.Oidc;

/// <summary>A user of the test provider: subject, user name, display name and the provider's role values.</summary>
public sealed record OidcUser(string Subject, string UserName, string Name, IReadOnlyList<string> Roles);

/// <summary>
/// A real OpenID Connect provider (OpenIddict 7 server) in a host of its own on a loopback port: discovery, JWKS,
/// authorization endpoint with a small login page (the browser picks a user and presses "Anmelden"), token endpoint;
/// authorization code flow with PKCE required; one client (<see cref="ClientId"/>, <see cref="ClientSecret"/>) with one
/// redirect URI. Degraded mode: no database, the client is checked by the handlers below. The login page's
/// "Abbrechen" answers <c>access_denied</c> to the client. Every request it gets is in <see cref="Requests"/> (method and
/// path): a test can tell whether the workspace exchanged the code at the token endpoint.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "pforte-arbeitsplatz";
    public const string ClientSecret = "test-secret-3f9c";

    private readonly WebApplication _app;

    private OidcProvider(WebApplication app, string authority)
    {
        _app = app;
        Authority = authority;
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c>: the issuer (another site than the workspace on localhost).</summary>
    public string Authority { get; }

    public System.Collections.Concurrent.ConcurrentDictionary<string, OidcUser> Users { get; } = new(StringComparer.Ordinal);

    /// <summary>"GET /connect/authorize", "POST /connect/token", … in the order they came.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Starts the provider; <paramref name="redirectUri"/> is a function of nothing yet known: the workspace's host is started after it.</summary>
    public static async Task<OidcProvider> StartAsync(Func<string> redirectUri)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            options.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
            options.RegisterScopes(Scopes.OpenId, Scopes.Profile);
            options.EnableDegradedMode();
            options.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            options.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId)
                {
                    context.Reject(Errors.InvalidClient, "Unknown client.");
                }
                else if (context.RedirectUri != redirectUri())
                {
                    context.Reject(Errors.InvalidRequest, "Unknown redirect URI.");
                }
                return default;
            }));
            options.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.ClientSecret != ClientSecret)
                {
                    context.Reject(Errors.InvalidClient, "Wrong client credentials.");
                }
                return default;
            }));
        });
        builder.Services.AddAuthentication();
        var app = builder.Build();
        OidcProvider? provider = null;
        app.Use(async (http, next) =>
        {
            provider?.Requests.Enqueue(http.Request.Method + " " + http.Request.Path);
            await next();
        });
        app.UseAuthentication();
        app.MapMethods("/connect/authorize", ["GET"], (HttpContext http) => Authorize(http, provider!));
        app.MapPost("/connect/token", () => Results.Empty);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // 127.0.0.1, not localhost: another site than the workspace (http://localhost:…), as a real provider is — the
        // browser's SameSite rules then apply to the way back as they do in production.
        provider = new OidcProvider(app, "http://127.0.0.1:" + new Uri(address).Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/");
        return provider;
    }

    private static IResult Authorize(HttpContext http, OidcProvider provider)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (http.Request.Query.ContainsKey("abbrechen"))
        {
            // The person cancelled: OpenIddict answers error=access_denied (with the client's state) at the redirect URI.
            return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        if (http.Request.Query["login"].ToString() is not { Length: > 0 } login || !provider.Users.TryGetValue(login, out var user))
        {
            // The provider's own login page: every query parameter again, plus the user to sign in.
            var hidden = string.Concat(http.Request.Query.Where(q => q.Key is not ("login" or "abbrechen")).Select(q =>
                $"<input type=\"hidden\" name=\"{HtmlEncoder.Default.Encode(q.Key)}\" value=\"{HtmlEncoder.Default.Encode(q.Value.ToString())}\">"));
            var html = $"<!DOCTYPE html><html lang=\"de\"><head><title>Test-Anmeldedienst</title></head><body><main><h1>Test-Anmeldedienst</h1>" +
                $"<form method=\"get\" action=\"/connect/authorize\">{hidden}<label for=\"login\">Benutzer</label><input id=\"login\" name=\"login\">" +
                "<button type=\"submit\" id=\"anmelden\">Anmelden</button><button type=\"submit\" id=\"abbrechen\" name=\"abbrechen\" value=\"1\">Abbrechen</button></form></main></body></html>";
            return Results.Content(html, "text/html; charset=utf-8");
        }
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Subject));
        identity.AddClaim(new Claim(Claims.Name, user.Name));
        identity.AddClaim(new Claim(Claims.PreferredUsername, user.UserName));
        foreach (var role in user.Roles)
        {
            identity.AddClaim(new Claim("roles", role));
        }
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The workspace's settings for this provider; roles "pforte-telefon" → agent, "pforte-admin" → admin.</summary>
    public Dictionary<string, string?> WorkspaceSettings(string kasseIk) => new()
    {
        ["Pforte:Workspace:Oidc:Authority"] = Authority,
        ["Pforte:Workspace:Oidc:ClientId"] = ClientId,
        ["Pforte:Workspace:Oidc:ClientSecret"] = ClientSecret,
        ["Pforte:Workspace:Oidc:RoleClaim"] = "roles",
        ["Pforte:Workspace:Oidc:RoleMap:pforte-telefon"] = "agent",
        ["Pforte:Workspace:Oidc:RoleMap:pforte-admin"] = "admin",
        ["Pforte:Workspace:Oidc:KasseIk"] = kasseIk,
        ["Pforte:Workspace:Oidc:AllowHttpMetadata"] = "true",
    };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
