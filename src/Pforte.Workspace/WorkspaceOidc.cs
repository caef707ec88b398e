using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Pforte.Workspace;

/// <summary>Settings of the sign-in with a company account (<c>Pforte:Workspace:Oidc</c>); off while Authority is empty.</summary>
public sealed class WorkspaceOidcOptions
{
    public const string Section = "Pforte:Workspace:Oidc";

    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The claim that carries the provider's roles or groups (default <c>roles</c>).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Provider role or group → Pforte role (<see cref="Pforte.Core.Staff.StaffRoles"/>); unmapped values are ignored.</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The Kasse (IK) whose staff sign in with this provider.</summary>
    public string? KasseIk { get; set; }

    /// <summary>The button's text on the sign-in page.</summary>
    public string? DisplayName { get; set; }

    /// <summary>Only for tests against a provider on http://localhost: allow metadata over plain HTTP.</summary>
    public bool AllowHttpMetadata { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
}

/// <summary>Registration of the OpenID Connect sign-in (filled in with the OIDC part).</summary>
internal static class WorkspaceOidc
{
    public static void Add(IServiceCollection services, AuthenticationBuilder authentication, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<WorkspaceOidcOptions>().Bind(configuration.GetSection(WorkspaceOidcOptions.Section));
        _ = authentication;
        _ = environment;
    }
}
