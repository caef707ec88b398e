using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;
using Pforte.Core.Clients;
using Pforte.Core.Common;

namespace Pforte.Web.Hosting;

/// <summary>The claims an authenticated API client carries.</summary>
public static class PforteClaims
{
    public const string ClientId = "pforte:client_id";
    public const string KasseId = "pforte:kasse_id";
    public const string Scope = "scope";

    public static Guid GetKasseId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(KasseId) ?? throw new InvalidOperationException("No authenticated client."));

    public static Guid GetClientId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(ClientId) ?? throw new InvalidOperationException("No authenticated client."));
}

/// <summary><c>Authorization: Bearer pf_…</c>. Missing or wrong key → 401 PF-API-001; missing scope → 403 PF-API-002.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AuthenticateApiKey authenticate)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("Not a bearer token.");
        }
        var client = await authenticate.ExecuteAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted).ConfigureAwait(false);
        if (client is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked key.");
        }
        var claims = new List<Claim>
        {
            new(PforteClaims.ClientId, client.ClientId.ToString()),
            new(PforteClaims.KasseId, client.KasseId.ToString()),
            new(ClaimTypes.Name, client.Name),
        };
        claims.AddRange(client.Scopes.Select(s => new Claim(PforteClaims.Scope, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = ProblemResults.ApiKeyChallenge;
        return ProblemResults.WriteAsync(Context, StatusCodes.Status401Unauthorized, new Error(ErrorCodes.ApiUnauthenticated));
    }
}

/// <summary>A policy per scope: <c>RequireAuthorization(ScopePolicy.For(ApiScopes.Staff))</c>.</summary>
public sealed class ScopeRequirement(string scope) : IAuthorizationRequirement
{
    public string Scope { get; } = scope;
}

public sealed class ScopeHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        // "a|b" means either scope suffices (endpoints both staff and machines use).
        if (requirement.Scope.Split('|').Any(scope => context.User.HasClaim(PforteClaims.Scope, scope)))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

public static class ScopePolicy
{
    public static string For(string scope) => "scope:" + scope;

    /// <summary>Staff workplaces and the machines (IVR, portal back end) that ask the same questions.</summary>
    public static readonly string StaffOrMachineAuth = For(ApiScopes.Staff + "|" + ApiScopes.MachineAuth);

    /// <summary>Returned mail: staff, or the print service that got it back (scope letters).</summary>
    public static readonly string StaffOrLetters = For(ApiScopes.Staff + "|" + ApiScopes.Letters);

    /// <summary>The disclosure decision: staff (any channel), IVR and portal back end (their channels, checked per request).</summary>
    public static readonly string Decide = For(ApiScopes.Staff + "|" + ApiScopes.MachineAuth + "|" + ApiScopes.Portal);
}

/// <summary>Writes the 403 as problem details naming the missing scope.</summary>
public sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        // The workspace answers a role without the page's policy with its German 403 page (its cookie scheme's forbid).
        if (authorizeResult.Forbidden && !Pforte.Workspace.WorkspaceSurface.IsWorkspace(context))
        {
            var missing = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault()?.Scope ?? "?";
            return ProblemResults.WriteAsync(context, StatusCodes.Status403Forbidden, new Error(ErrorCodes.ApiForbidden, missing));
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

public static class ApiSecurityServices
{
    public static IServiceCollection AddPforteApiSecurity(this IServiceCollection services)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, ScopeHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        var authorization = services.AddAuthorizationBuilder();
        foreach (var scope in ApiScopes.All)
        {
            authorization.AddPolicy(ScopePolicy.For(scope), p => p.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(scope)));
        }
        authorization.AddPolicy(ScopePolicy.StaffOrMachineAuth, p => p.RequireAuthenticatedUser()
            .AddRequirements(new ScopeRequirement(ApiScopes.Staff + "|" + ApiScopes.MachineAuth)));
        authorization.AddPolicy(ScopePolicy.StaffOrLetters, p => p.RequireAuthenticatedUser()
            .AddRequirements(new ScopeRequirement(ApiScopes.Staff + "|" + ApiScopes.Letters)));
        authorization.AddPolicy(ScopePolicy.Decide, p => p.RequireAuthenticatedUser()
            .AddRequirements(new ScopeRequirement(ApiScopes.Staff + "|" + ApiScopes.MachineAuth + "|" + ApiScopes.Portal)));
        return services;
    }
}
