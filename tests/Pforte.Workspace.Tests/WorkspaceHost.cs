using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using Pforte.Core.Accounts;
using Pforte.Core.Audit;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;
using Pforte.Core.Staff;

namespace Pforte.Workspace.Tests;

/// <summary>A local staff account a test created: what its owner knows (password, the app's key).</summary>
/// <param name="AccountId">The account.</param>
/// <param name="UserName">Its user name.</param>
/// <param name="Password">Its password (the initial one).</param>
/// <param name="TotpSecret">The authenticator app's key (base32); null when the account has no app yet.</param>
/// <param name="Roles">Its roles.</param>
public sealed record StaffCredentials(Guid AccountId, string UserName, string Password, string? TotpSecret, IReadOnlySet<string> Roles)
{
    /// <summary>The actor id the audit record names for this staff member.</summary>
    public string ActorId => "staff:" + AccountId;

    /// <summary>The app's code for the current time step (or a later one: a code is accepted once per account).</summary>
    public string TotpCode(int stepOffset = 0)
    {
        var totp = new OtpNet.Totp(Base32Encoding.ToBytes(TotpSecret ?? throw new InvalidOperationException("No authenticator app.")));
        return totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30 * stepOffset));
    }
}

/// <summary>
/// The real web host with the workspace (on Kestrel at <c>http://localhost:&lt;port&gt;</c>, SQLite or PostgreSQL, one
/// Kasse), and what workspace tests need on it: staff accounts (<see cref="CreateStaffAsync"/>) and a browser page signed
/// in with a role (<see cref="SignInAsync(IPage, string[])"/>) — through the real sign-in pages (password, then the
/// authenticator app's code).
/// </summary>
public sealed class WorkspaceHost : IAsyncDisposable
{
    private static int _next;

    private WorkspaceHost(PforteHost host, Chromium chromium)
    {
        Host = host;
        Browser = chromium;
    }

    /// <summary>The underlying host (portal, API and workspace).</summary>
    public PforteHost Host { get; }

    public Chromium Browser { get; }

    public Kasse Kasse => Host.Kasse;

    public string BaseUrl => Host.BaseUrl;

    public IServiceProvider Services => Host.Services;

    public string Provider { get; private init; } = "";

    /// <summary>Starts the host on <paramref name="provider"/> ("sqlite" or "postgres") with extra <paramref name="settings"/>.</summary>
    public static async Task<WorkspaceHost> StartAsync(Chromium chromium, string provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(chromium);
        var host = await PforteHost.StartAsync(provider, settings);
        return new WorkspaceHost(host, chromium) { Provider = provider };
    }

    public string Url(string path) => Host.Url(path);

    public PforteDbContext NewContext() => Host.NewContext();

    public AsyncServiceScope Scope() => Host.Scope();

    /// <summary>A browser page of its own (cookies, storage) at <paramref name="width"/> px.</summary>
    public Task<IPage> NewPageAsync(int width = 1280, int height = 900) => Browser.NewPageAsync(Host, width, height);

    /// <summary>
    /// A local staff account of the host's Kasse with <paramref name="roles"/>, created by the use case the CLI and the
    /// admin page use; with the authenticator app already set up unless <paramref name="withTotp"/> is false (then the
    /// first sign-in asks to set it up).
    /// </summary>
    public async Task<StaffCredentials> CreateStaffAsync(IReadOnlyCollection<string> roles, bool withTotp = true, string? userName = null, string? displayName = null)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var n = Interlocked.Increment(ref _next);
        userName ??= $"{string.Join('-', roles)}.{n}";
        await using var scope = Scope();
        var accounts = scope.ServiceProvider.GetRequiredService<StaffAccounts>();
        var created = await accounts.CreateAsync(new NewStaffAccount(Kasse.Id, userName, displayName ?? $"Test {string.Join('/', roles)} {n}", roles), AuditContext.System("test"));
        var account = created.Value.Account;
        string? secret = null;
        if (withTotp)
        {
            var key = Core.Accounts.Totp.NewSecret();
            secret = Core.Accounts.Totp.Base32(key);
            var sealedKey = scope.ServiceProvider.GetRequiredService<SecretSealer>().Seal(account.Id, key);
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            await db.StaffAccounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.SealedAuthenticatorKey, sealedKey)
                .SetProperty(a => a.TotpConfirmedAt, DateTimeOffset.UtcNow));
        }
        return new StaffCredentials(account.Id, account.UserName, created.Value.InitialPassword, secret, account.Roles);
    }

    /// <summary>Creates a staff account with <paramref name="roles"/> and signs it in on <paramref name="page"/> (password + TOTP).</summary>
    public async Task<StaffCredentials> SignInAsync(IPage page, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(page);
        var staff = await CreateStaffAsync(roles);
        await SignInAsync(page, staff);
        return staff;
    }

    /// <summary>Signs an existing account in on <paramref name="page"/> through the sign-in pages; lands on the start page.</summary>
    public static async Task SignInAsync(IPage page, StaffCredentials staff, int stepOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(staff);
        await page.GotoAsync("/arbeitsplatz/anmelden");
        await page.FillAsync("#benutzername", staff.UserName);
        await page.FillAsync("#passwort", staff.Password);
        await page.ClickAsync("form.pforte-form button[type=submit]");
        await page.WaitForURLAsync("**/arbeitsplatz/anmelden/code");
        await page.FillAsync("#totp", staff.TotpCode(stepOffset));
        await page.ClickAsync("form.pforte-form button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/anmelden", StringComparison.Ordinal));
    }

    /// <summary>The audit entries of the host's Kasse, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> AuditAsync()
    {
        await using var db = NewContext();
        return await db.AuditEntries.AsNoTracking().Where(e => e.KasseId == Kasse.Id).OrderBy(e => e.Id).ToListAsync();
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
