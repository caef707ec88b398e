using Microsoft.Extensions.Options;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Ivr;
using Pforte.Web.Hosting;

namespace Pforte.Web.Api;

/// <summary>
/// The phone dialogue (ADR 0027, docs/ivr.md) in two renderings of the same turns: JSON (<c>/ivr/calls…</c>, for
/// platforms that call webhooks or data actions) and VoiceXML 2.1 (<c>/ivr/vxml/…</c>, for voice browsers). The
/// platform authenticates with an API client of scope <c>machine-auth</c> — the scope an IVR has for /verify — and
/// the staff workspace reads the hand-over record with scope <c>staff</c>.
/// </summary>
public static class IvrApi
{
    public static RouteGroupBuilder MapIvrApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var ivr = v1.MapGroup("/ivr").WithTags("Telefondialog (IVR)");
        var machine = ivr.MapGroup("").RequireAuthorization(ScopePolicy.For(ApiScopes.MachineAuth));

        machine.MapPost("/calls", async (IvrStartBody body, HttpContext http, IvrDialogue dialogue, CancellationToken ct) =>
            Json(await dialogue.StartAsync(http.User.GetKasseId(), http.User.GetClientId(), new IvrCallStart(body.CallId, body.CallerId, body.DialledNumber),
                Context(http), ct).ConfigureAwait(false)))
        .WithName("StartIvrCall")
        .Produces<IvrTurnView>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.IvrCallIdInvalid, ErrorCodes.InputCallerId))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.IvrCallUnknown))
        .Problems(StatusCodes.Status409Conflict, ApiDocs.Codes(ErrorCodes.IvrCallConflict, ErrorCodes.IvrCallOtherClient))
        .WithSummary("Beginnt einen Anruf (Anruf-ID, Rufnummer des Anrufers, gewählte Nummer) und liefert die ersten Ansagen und die erwartete Eingabe.");

        machine.MapPost("/calls/{callId}/input", async (string callId, IvrInputBody body, HttpContext http, IvrDialogue dialogue, CancellationToken ct) =>
            // Both text fields by the input policy before anything else (also the one the kind does not use), naming the field.
            (Pforte.Core.Common.TextInput.Optional("digits", body.Digits, 256).Error ?? Pforte.Core.Common.TextInput.Optional("text", body.Text, 256).Error) is { } bad
                ? Problem(bad)
                : Json(await dialogue.InputAsync(http.User.GetKasseId(), http.User.GetClientId(), callId, new IvrInput(body.Kind, body.Digits ?? body.Text),
                Context(http), ct).ConfigureAwait(false)))
        .WithName("SendIvrInput")
        .Produces<IvrTurnView>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.IvrCallIdInvalid, ErrorCodes.IvrInputKindUnknown, ErrorCodes.IvrInputMissing))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.IvrCallUnknown))
        .Problems(StatusCodes.Status409Conflict, ApiDocs.Codes(ErrorCodes.IvrCallConflict))
        .WithSummary("Eingabe des Anrufers (Tasten, erkannte Sprache, keine Eingabe, Wiederholung, Mitarbeiter, aufgelegt); liefert den nächsten Schritt.");

        machine.MapGet("/vxml/start", async (string? callId, string? callerId, string? dialledNumber, HttpContext http, IvrDialogue dialogue, IOptions<IvrOptions> options, CancellationToken ct) =>
            VoiceXml(http, options.Value, await dialogue.StartAsync(http.User.GetKasseId(), http.User.GetClientId(), new IvrCallStart(callId, callerId, dialledNumber),
                Context(http), ct).ConfigureAwait(false)))
        .WithName("StartIvrCallVoiceXml")
        .Produces<Stream>(StatusCodes.Status200OK, IvrVoiceXml.ContentType)
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.IvrCallIdInvalid, ErrorCodes.InputCallerId))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.IvrCallUnknown))
        .Problems(StatusCodes.Status409Conflict, ApiDocs.Codes(ErrorCodes.IvrCallConflict, ErrorCodes.IvrCallOtherClient))
        .WithSummary("VoiceXML 2.1: erstes Dokument eines Anrufs; jedes weitere holt der Sprachbrowser per <submit> an …/input.");

        machine.MapPost("/vxml/calls/{callId}/input", async (string callId, HttpContext http, IvrDialogue dialogue, IOptions<IvrOptions> options, CancellationToken ct) =>
        {
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct).ConfigureAwait(false) : null;
            var input = new IvrInput(form?["kind"].ToString(), form?["digits"].ToString());
            return VoiceXml(http, options.Value, await dialogue.InputAsync(http.User.GetKasseId(), http.User.GetClientId(), callId, input, Context(http), ct).ConfigureAwait(false));
        })
        .DisableAntiforgery()
        .Accepts<IvrVoiceXmlForm>("application/x-www-form-urlencoded")
        .WithName("SendIvrInputVoiceXml")
        .Produces<Stream>(StatusCodes.Status200OK, IvrVoiceXml.ContentType)
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.IvrCallIdInvalid, ErrorCodes.IvrInputKindUnknown, ErrorCodes.IvrInputMissing))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.IvrCallUnknown))
        .Problems(StatusCodes.Status409Conflict, ApiDocs.Codes(ErrorCodes.IvrCallConflict))
        .WithSummary("VoiceXML 2.1: die Eingabe (Formularfelder kind, digits) und das nächste Dokument.");

        ivr.MapGet("/calls/{callId}", async (string callId, HttpContext http, IvrDialogue dialogue, CancellationToken ct) =>
        {
            var result = await dialogue.ReadAsync(http.User.GetKasseId(), callId, ct).ConfigureAwait(false);
            return result.TryGetValue(out var call, out var error) ? Results.Ok(call) : Problem(error);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.Staff))
        .WithName("ReadIvrCall")
        .Produces<IvrCallRecord>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.IvrCallIdInvalid))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.IvrCallUnknown))
        .WithSummary("Übergabe an den Arbeitsplatz: Zustand des Anrufs, Grund der Übergabe und die an die Anruf-ID gebundene Authentifizierung.");

        return ivr;
    }

    private static Pforte.Core.Audit.AuditContext Context(HttpContext http) => RequestAuditContext.ForClient(http, Pforte.Core.AuthCodes.MachineChannels.Phone);

    private static IResult Json(Result<IvrTurn> result) =>
        result.TryGetValue(out var turn, out var error) ? Results.Ok(IvrTurnView.From(turn)) : Problem(error);

    private static IResult VoiceXml(HttpContext http, IvrOptions options, Result<IvrTurn> result) =>
        result.TryGetValue(out var turn, out var error)
            ? Results.Text(IvrVoiceXml.Render(turn, http.Request.PathBase + "/api/v1/ivr/vxml/calls/" + Uri.EscapeDataString(turn.CallId) + "/input", options.AgentDestination),
                IvrVoiceXml.ContentType, System.Text.Encoding.UTF8)
            : Problem(error);

    private static IResult Problem(Error error) => ProblemResults.Result(error.Code switch
    {
        ErrorCodes.IvrCallUnknown => StatusCodes.Status404NotFound,
        ErrorCodes.IvrCallConflict or ErrorCodes.IvrCallOtherClient => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    }, error);
}

/// <param name="CallId">The platform's id of the call (1–128 characters, no blanks); the authentication is bound to it.</param>
/// <param name="CallerId">The calling number as the platform saw it (E.164 or national), null when withheld.</param>
/// <param name="DialledNumber">The number the caller dialled.</param>
public sealed record IvrStartBody(string CallId, string? CallerId = null, string? DialledNumber = null);

/// <param name="Kind">dtmf, speech, noinput, nomatch, repeat, agent or hangup.</param>
/// <param name="Digits">The keys pressed (kind dtmf).</param>
/// <param name="Text">The recognised utterance (kind speech).</param>
public sealed record IvrInputBody(string Kind, string? Digits = null, string? Text = null);

/// <summary>The form fields a voice browser submits (namelist "kind digits").</summary>
public sealed record IvrVoiceXmlForm(string Kind, string? Digits);

public sealed record IvrPromptView(string Id, string Text);

public sealed record IvrCollectView(string Field, int MinDigits, int MaxDigits, int TimeoutSeconds);

/// <param name="Action">collect (play the prompts, then collect <c>collect</c> and send it), transfer (to an agent) or hangup.</param>
public sealed record IvrTurnView(string CallId, string State, string Action, IReadOnlyList<IvrPromptView> Prompts, IvrCollectView? Collect,
    string? HandoverReason, Guid? AuthenticationId)
{
    internal static IvrTurnView From(IvrTurn turn) => new(turn.CallId, turn.State, turn.Action,
        [.. turn.Prompts.Select(p => new IvrPromptView(p.Id, p.Text))],
        turn.Collect is { } c ? new IvrCollectView(c.Field, c.MinDigits, c.MaxDigits, c.TimeoutSeconds) : null,
        turn.HandoverReason, turn.AuthenticationId);
}
