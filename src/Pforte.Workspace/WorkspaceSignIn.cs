using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Pforte.Core.Audit;
using Pforte.Core.Staff;
using Pforte.Portal;

namespace Pforte.Workspace;

/// <summary>Turns a completed staff login (Core) into the workspace cookie; the audit context before sign-in.</summary>
public sealed class WorkspaceSignIn(IHttpContextAccessor accessor)
{
    private HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No request.");

    /// <summary>A fresh cookie for the login (a new session every time: no session fixation).</summary>
    public Task SignInAsync(StaffLogin login)
    {
        ArgumentNullException.ThrowIfNull(login);
        return Http.SignInAsync(WorkspaceAuth.Scheme, WorkspaceClaims.Principal(login.Actor), new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
    }

    public Task SignOutAsync() => Http.SignOutAsync(WorkspaceAuth.Scheme);

    /// <summary>
    /// Audit context of a sign-in step before the staff member is known: actor <c>staff:anonymous</c> (the Core step
    /// names the account as actor once it has found it), channel workspace, the visitor's IP.
    /// </summary>
    public AuditContext Visitor() => new(ActorKind.Staff, "staff:anonymous", Channel: WorkspaceChannels.Workspace, SourceIp: WorkspacePageModel.RemoteIp(Http), CorrelationId: Http.TraceIdentifier);
}

/// <summary>A sign-in between its password and its second factor (or the authenticator app's setup).</summary>
public sealed record PendingStaffSignIn(Guid AccountId, string? ReturnUrl);

/// <summary>The state between the sign-in steps, in short-lived protected cookies on /arbeitsplatz (ids only).</summary>
public sealed class WorkspaceFlow(IHttpContextAccessor accessor, IDataProtectionProvider protection)
{
    public const string SignIn = "pforte-arbeitsplatz-anmeldung";
    public const string Passkey = "pforte-arbeitsplatz-passkey";

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Pforte.Workspace.Flow.v1").ToTimeLimitedDataProtector();

    private FlowCookieJar Jar => new(accessor.HttpContext ?? throw new InvalidOperationException("No request."), _protector, WorkspaceSurface.PathPrefix);

    public void SetSignIn(PendingStaffSignIn pending) => Jar.Set(SignIn, pending, TimeSpan.FromMinutes(15));

    public PendingStaffSignIn? GetSignIn() => Jar.Get<PendingStaffSignIn>(SignIn);

    public void SetPasskeyState(string purpose, string? state) => Jar.Set(Passkey, new PasskeyState(purpose, state), TimeSpan.FromMinutes(5));

    public string? GetPasskeyState(string purpose) => Jar.Get<PasskeyState>(Passkey) is { } s && s.Purpose == purpose ? s.State : null;

    public void Clear(string name) => Jar.Clear(name);

    private sealed record PasskeyState(string Purpose, string? State);
}
