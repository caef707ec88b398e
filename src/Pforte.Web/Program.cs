using Pforte.Core;
using Pforte.Keys.Pkcs11;
using Pforte.Letters.Pdf;
using Pforte.Portal;
using Pforte.Portal.Accounts;
using Pforte.Web.Api;
using Pforte.Web.Hosting;
using Pforte.Workspace;

var builder = WebApplication.CreateBuilder(args);
builder.UsePforteRejectedRequests();
builder.UsePforteTls();
var surfaces = Surfaces.From(builder.Configuration);
// The portal's styles and fonts come from its Razor class library; found there in every environment (a published
// host has them in wwwroot/_content, where this is a no-op).
builder.WebHost.UseStaticWebAssets();

builder.Services.AddPforteCore(builder.Configuration);
builder.Services.AddPdfLetters();
builder.Services.AddPkcs11KeyStore(builder.Configuration); // Pforte:Keys:Provider = Pkcs11: the keys in an HSM (ADR 0029)
builder.Services.AddPforteApiSecurity();
builder.Services.AddPforteProblemDetails();
builder.Services.AddPforteStrictJson();
builder.Services.AddPforteOpenApi();
builder.Services.AddPforteOperations();
builder.Services.AddPforteTracing(builder.Configuration);
builder.Services.AddHostedService<BackgroundJobs>();
builder.Services.AddHostedService<ApiClientChangeListener>();
builder.Services.AddHostedService<NoticeJob>();
// The SMTP sender also on nodes without the portal surface: staff API writes queue notices there too.
Pforte.Portal.SelfService.SelfServiceRegistration.AddPortalSelfService(builder.Services, builder.Configuration);
if (surfaces.Portal)
{
    builder.Services.AddPfortePortal(builder.Configuration, builder.Environment);
}
if (surfaces.Workspace)
{
    builder.Services.AddPforteWorkspace(builder.Configuration, builder.Environment);
}
// Each surface's pages only where it is on (one host may serve both, or one of them).
builder.Services.AddRazorPages().ConfigureApplicationPartManager(parts => surfaces.KeepPagesOf(parts));

var app = builder.Build();

if (KeyStoreStartup.Open(app.Services) is { } keysRefused)
{
    // Key store settings that cannot work (no such module, token or PIN file, a wrong PIN): code and sentence, never the PIN.
    await Console.Error.WriteLineAsync($"{keysRefused.Code}: {keysRefused.Message}");
    return 1;
}

if (await app.PrepareDatabaseAsync() is { } refused)
{
    // A database the host must not work on: its code and sentence, no stack trace (README, docs/errors.md).
    await Console.Error.WriteLineAsync($"{refused.Code}: {refused.Message}");
    return 1;
}

app.UsePforteForwardedHeaders();
app.UsePforteSecurityHeaders();
app.UsePforteCorrelationId();
app.UsePforteProblemDetails();
app.UsePforteRequestPathCheck();
if (surfaces.Portal)
{
    app.UsePfortePortal();
}
if (surfaces.Workspace)
{
    app.UsePforteWorkspace();
}
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
if (surfaces.Portal)
{
    app.UsePortalAccounts(); // the signed-in person as the portal's user (ADR 0015)
}
if (surfaces.Workspace)
{
    app.UseWorkspaceAccounts(); // the signed-in staff member as the workspace's user (ADR 0023)
}
if (surfaces.Portal || surfaces.Workspace)
{
    app.UseRateLimiter(); // per-IP limits on sign-in, registration, activation, contact form
}

app.MapPforteOperations();
if (surfaces.Api)
{
    app.MapPforteApiReference();
    app.MapPforteApi();
}
if (surfaces.Portal)
{
    app.MapPfortePortal();
}
if (surfaces.Workspace)
{
    app.MapPforteWorkspace();
}

await app.RunAsync();
return 0;

/// <summary>Entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
