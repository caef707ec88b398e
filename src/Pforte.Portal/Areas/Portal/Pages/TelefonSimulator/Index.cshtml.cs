using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Ivr;
using Pforte.Core.Persistence;

namespace Pforte.Portal.Areas.Portal.Pages.TelefonSimulator;

/// <summary>
/// The keypad simulator (demo and test): a phone keypad that plays the IVR dialogue. The page is the platform: its
/// server-side handlers drive the same use case the JSON API drives (<see cref="IvrDialogue"/>), as the API client
/// <see cref="IvrOptions.SimulatorClient"/> of the portal's Kasse — no API key reaches the browser. Works without
/// script; a small script only reads the prompts aloud when asked to.
/// </summary>
public sealed class IndexModel(PortalKasse kasse, PforteDbContext db, IvrDialogue dialogue, IOptions<IvrOptions> options) : PageModel
{
    [BindProperty]
    public string? CallId { get; set; }

    [BindProperty]
    public string? Tasten { get; set; }

    public IvrTurn? Turn { get; private set; }

    public IvrCallRecord? Record { get; private set; }

    public string? NotSetUp { get; private set; }

    public IReadOnlyList<FieldError> Errors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        await SetUpAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostStartAsync()
    {
        if (await SetUpAsync() is not { } setup)
        {
            return Page();
        }
        CallId = "sim-" + Guid.CreateVersion7().ToString("N");
        Tasten = null;
        return await ShowAsync(setup, await dialogue.StartAsync(setup.Kasse, setup.Client, new IvrCallStart(CallId, null, null), Context(setup), HttpContext.RequestAborted));
    }

    /// <summary>One keypad key: appended to the keys typed so far (nothing is sent yet).</summary>
    public async Task<IActionResult> OnPostKeyAsync(string taste)
    {
        if (await SetUpAsync() is not { } setup)
        {
            return Page();
        }
        if (taste is { Length: 1 } && (char.IsAsciiDigit(taste[0])) && (Tasten?.Length ?? 0) < IvrInputKinds.MaxValueLength)
        {
            Tasten += taste;
        }
        ModelState.Clear();
        return await ShowAsync(setup, await dialogue.InputAsync(setup.Kasse, setup.Client, CallId, new IvrInput(IvrInputKinds.Repeat), Context(setup), HttpContext.RequestAborted), keepKeys: true);
    }

    /// <summary>"#": the keys typed go to the dialogue as one input.</summary>
    public Task<IActionResult> OnPostSendAsync() =>
        SendAsync(string.IsNullOrEmpty(Tasten) ? new IvrInput(IvrInputKinds.NoInput) : new IvrInput(IvrInputKinds.Dtmf, Tasten.Trim()));

    public Task<IActionResult> OnPostStarAsync() => SendAsync(new IvrInput(IvrInputKinds.Dtmf, "*"));

    public Task<IActionResult> OnPostNoInputAsync() => SendAsync(new IvrInput(IvrInputKinds.NoInput));

    public Task<IActionResult> OnPostHangUpAsync() => SendAsync(new IvrInput(IvrInputKinds.Hangup));

    private async Task<IActionResult> SendAsync(IvrInput input)
    {
        if (await SetUpAsync() is not { } setup)
        {
            return Page();
        }
        ModelState.Clear();
        return await ShowAsync(setup, await dialogue.InputAsync(setup.Kasse, setup.Client, CallId, input, Context(setup), HttpContext.RequestAborted));
    }

    private async Task<IActionResult> ShowAsync(Setup setup, Result<IvrTurn> turn, bool keepKeys = false)
    {
        if (!keepKeys)
        {
            Tasten = null;
        }
        if (!turn.TryGetValue(out var value, out var error))
        {
            Errors = [new FieldError("tasten", error.Message)];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Turn = value;
        if (value.Action != "collect")
        {
            Record = (await dialogue.ReadAsync(setup.Kasse, CallId, HttpContext.RequestAborted)).Value;
        }
        return Page();
    }

    private sealed record Setup(Guid Kasse, Guid Client);

    private async Task<Setup?> SetUpAsync()
    {
        var name = options.Value.SimulatorClient;
        var brand = await kasse.CurrentAsync(HttpContext.RequestAborted);
        var client = brand is null || name is null ? null
            : await db.ApiClients.AsNoTracking().Where(c => c.KasseId == brand.Id && c.Name == name && c.RevokedAt == null).Select(c => (Guid?)c.Id)
                .FirstOrDefaultAsync(HttpContext.RequestAborted);
        if (client is not { } id)
        {
            NotSetUp = new Error(ErrorCodes.IvrSimulatorNotSetUp, name ?? "–").Message;
            return null;
        }
        return new Setup(brand!.Id, id);
    }

    private AuditContext Context(Setup setup) => new(ActorKind.Client, $"client:{setup.Client}", Channel: "phone",
        SourceIp: HttpContext.Connection.RemoteIpAddress?.ToString(), CorrelationId: HttpContext.TraceIdentifier);

    public static string ReasonText(string? reason) => reason switch
    {
        IvrHandoverReasons.Verified => "bestätigt",
        IvrHandoverReasons.CallerRequest => "auf Wunsch des Anrufers",
        IvrHandoverReasons.AlternativeAuthentication => "braucht einen anderen Weg zur Authentifizierung",
        IvrHandoverReasons.NotVerified => "nicht bestätigt",
        IvrHandoverReasons.NoInput => "keine Eingabe",
        IvrHandoverReasons.InvalidInput => "ungültige Eingaben",
        IvrHandoverReasons.Throttled => "Prüfung derzeit nicht möglich",
        IvrHandoverReasons.MethodNotOffered => "Verfahren nicht angeboten",
        _ => reason ?? "–",
    };
}
