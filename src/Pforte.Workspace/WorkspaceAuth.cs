using System.Globalization;
using System.Security.Claims;
using Pforte.Core.Staff;

namespace Pforte.Workspace;

/// <summary>The workspace's sign-in: its cookie scheme, paths and claims (ADR 0023).</summary>
public static class WorkspaceAuth
{
    /// <summary>The cookie authentication scheme of the workspace.</summary>
    public const string Scheme = "Pforte.Workspace";

    /// <summary>The OpenID Connect scheme ("Mit Unternehmenskonto anmelden"), registered when configured.</summary>
    public const string OidcScheme = "Pforte.Workspace.Oidc";

    /// <summary>The cookie that holds the provider's answer between the callback and the staff record (a few seconds).</summary>
    public const string ExternalScheme = "Pforte.Workspace.External";

    public const string CookieName = "pforte-arbeitsplatz";
}

/// <summary>Claims of the workspace cookie: identifiers, the display name and the roles; nothing secret.</summary>
public static class WorkspaceClaims
{
    public const string AccountId = "pforte:staff";
    public const string SessionId = "pforte:staff-session";
    public const string KasseId = "pforte:kasse";
    public const string DisplayName = "pforte:staff-name";

    public static IEnumerable<Claim> Of(StaffActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        yield return new Claim(AccountId, actor.StaffId);
        yield return new Claim(SessionId, actor.SessionId.ToString());
        yield return new Claim(KasseId, actor.KasseId.ToString());
        yield return new Claim(DisplayName, actor.DisplayName);
        foreach (var role in actor.Roles)
        {
            yield return new Claim(ClaimTypes.Role, role);
        }
    }

    public static ClaimsPrincipal Principal(StaffActor actor) => new(new ClaimsIdentity(Of(actor), WorkspaceAuth.Scheme, DisplayName, ClaimTypes.Role));

    /// <summary>The staff member of a workspace principal, or null.</summary>
    public static StaffActor? Actor(ClaimsPrincipal? user)
    {
        if (user?.FindFirst(AccountId)?.Value is not { } staffId
            || !Guid.TryParse(user.FindFirst(SessionId)?.Value, out var session)
            || !Guid.TryParse(user.FindFirst(KasseId)?.Value, CultureInfo.InvariantCulture, out var kasse))
        {
            return null;
        }
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).Where(StaffRoles.IsKnown).ToHashSet(StringComparer.Ordinal);
        return new StaffActor(staffId, user.FindFirst(DisplayName)?.Value ?? "", kasse, roles, session);
    }
}

/// <summary>Addresses of the workspace's own pages (lower case, as routed).</summary>
public static class WorkspacePaths
{
    public const string Home = WorkspaceSurface.PathPrefix;
    public const string SignIn = "/arbeitsplatz/anmelden";
    public const string SecondFactor = "/arbeitsplatz/anmelden/code";
    public const string Enrol = "/arbeitsplatz/anmelden/einrichten";
    public const string SignOut = "/arbeitsplatz/abmelden";
    public const string Oidc = "/arbeitsplatz/anmelden/unternehmenskonto";
    public const string OidcCallback = "/arbeitsplatz/anmelden/oidc-rueckruf";
    public const string OidcDone = "/arbeitsplatz/anmelden/unternehmenskonto/fertig";
    public const string AccessDenied = "/arbeitsplatz/zugriff-verweigert";
    public const string Account = "/arbeitsplatz/konto";
    public const string Caller = "/arbeitsplatz/anrufer";
    public const string Counter = "/arbeitsplatz/schalter";
    public const string Approvals = "/arbeitsplatz/freigaben";
    public const string StaffAdmin = "/arbeitsplatz/verwaltung/mitarbeitende";
    public const string ApiClients = "/arbeitsplatz/verwaltung/zugaenge";
    public const string Mailbox = "/arbeitsplatz/backoffice/postfach";
    public const string ContactRequests = "/arbeitsplatz/backoffice/kontaktformular";
    public const string ReturnedMail = "/arbeitsplatz/backoffice/ruecklaeufer";
    public const string BatchReissue = "/arbeitsplatz/backoffice/stapel";
    public const string LetterSamples = "/arbeitsplatz/backoffice/musterbriefe";
    public const string AuditSearch = "/arbeitsplatz/pruefung/suche";
    public const string AuditChain = "/arbeitsplatz/pruefung/kette";
    public const string AuditAlarms = "/arbeitsplatz/pruefung/alarme";
    public const string Channels = "/arbeitsplatz/verwaltung/kanaele";
    public const string Branches = "/arbeitsplatz/verwaltung/beratungscenter";

    /// <summary>A return address is followed only when it is a path of the workspace (no open redirect).</summary>
    public static string SafeReturn(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith(WorkspaceSurface.PathPrefix, StringComparison.Ordinal)
            && (url.Length == WorkspaceSurface.PathPrefix.Length || url[WorkspaceSurface.PathPrefix.Length] is '/' or '?')
            && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
            && Uri.IsWellFormedUriString(url, UriKind.Relative)
            ? url
            : Home;
}
