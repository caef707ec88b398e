using System.Security.Claims;
using System.Text.Json.Serialization;
using Pforte.Core.Authentication;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Pforte.Web.Hosting;

namespace Pforte.Web.Api;

/// <summary>
/// The disclosure decision and the authentication methods besides the machine procedure. Decisions are open to staff
/// workplaces and to machine clients (IVR, portal back end), the latter only for their own channels (phone, portal):
/// an IVR has no business deciding what a Beratungscenter may hand out.
/// </summary>
public static class DisclosureApi
{
    public static RouteGroupBuilder MapDisclosureApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var disclosure = v1.MapGroup("/disclosure").WithTags("Auskunft und Kanäle");
        disclosure.MapPost("/decide", async (DecideBody body, HttpContext http, DecideDisclosure decide, CancellationToken ct) =>
        {
            if (Channels.IsKnown(body.Channel) && !MayDecideFor(http.User, body.Channel!))
            {
                return ProblemResults.Result(StatusCodes.Status403Forbidden, new Error(ErrorCodes.ApiForbidden, ApiScopes.Staff));
            }
            var result = await decide.ExecuteAsync(http.User.GetKasseId(),
                new DecideRequest(body.AuthenticationId, body.Channel, body.RequestKind, body.Direction, body.SubjectKvnr),
                RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            if (!result.TryGetValue(out var d, out var error))
            {
                return ProblemResults.Result(error.Code == ErrorCodes.ApiPersonNotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest, error);
            }
            return Results.Ok(new DecisionView(d.Allowed, d.RequiredLevel, d.AchievedLevel, d.ReasonCode, d.Explanation, d.Alternatives, d.RepresentationId));
        })
        .RequireAuthorization(ScopePolicy.Decide)
        .WithSummary("Entscheidet, ob ein Anliegen über einen Kanal in einer Richtung erlaubt ist – mit Begründung zum Vorlesen und Alternativen.");

        disclosure.MapGet("/channels", (DisclosurePolicy policy) => Results.Ok(new
        {
            channels = policy.Channels.Select(c => new { id = c.Id, name = Channels.GermanName(c.Id), inbound = c.Inbound, methods = c.Methods, personal_data_outbound = c.PersonalDataOutbound, outbound = c.Outbound }),
            request_kinds = policy.RequestKinds.Select(k => new { id = k.Id, name = RequestKindNames.German(k.Id), protection_need = k.ProtectionNeed, channels = k.Channels, needs_consent = k.NeedsConsent }),
        }))
        .RequireAuthorization(ScopePolicy.StaffOrMachineAuth)
        .WithSummary("Die wirksame Konfiguration der Kanäle und Anliegen.");

        v1.MapPost("/outbound/release", async (OutboundBody body, HttpContext http, OutboundGuard guard, PforteDbContext db, CancellationToken ct) =>
        {
            Guid? personId = null;
            string? kvnr = null;
            if (body.SubjectKvnr is { Length: > 0 })
            {
                if (!Kvnr.Parse(body.SubjectKvnr).TryGetValue(out var parsed, out var kvnrError))
                {
                    return ProblemResults.Result(StatusCodes.Status400BadRequest, kvnrError);
                }
                var kasseId = http.User.GetKasseId();
                personId = await db.InsuredPersons.Where(p => p.KasseId == kasseId && p.Kvnr == parsed.Value).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(ct).ConfigureAwait(false);
                if (personId is null)
                {
                    return ProblemResults.Result(StatusCodes.Status404NotFound, new Error(ErrorCodes.ApiPersonNotFound));
                }
                kvnr = parsed.Value;
            }
            var result = await guard.ReleaseAsync(http.User.GetKasseId(), new OutboundMessage(body.Channel ?? "", body.ContainsPersonalData, personId, kvnr, body.Purpose ?? ""),
                RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            return result.TryGetValue(out var permit, out var error)
                ? Results.Ok(new { released = true, channel = permit.Channel })
                : ProblemResults.Result(error.Code is ErrorCodes.DisclosureChannelUnknown or ErrorCodes.InputForbiddenCharacter or ErrorCodes.FieldTooLong or ErrorCodes.FieldRequired
                    ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity, error);
        })
        .RequireAuthorization(ScopePolicy.StaffOrMachineAuth)
        .WithTags("Auskunft und Kanäle")
        .WithSummary("Ausgangstür: prüft und protokolliert, ob etwas über einen Kanal hinausgehen darf (personenbezogen nie per E-Mail, Chat, Fax).");

        var auth = v1.MapGroup("/authentications").WithTags("Authentifizierung");
        auth.MapPost("/phone-questions", async (DrawBody body, HttpContext http, PhoneQuestionRounds rounds, CancellationToken ct) =>
        {
            var result = await rounds.DrawAsync(http.User.GetKasseId(), body.Kvnr ?? "", new Performer(http.User.GetClientId(), body.StaffId),
                RequestAuditContext.ForClient(http, Channels.Phone), ct).ConfigureAwait(false);
            return result.TryGetValue(out var round, out var error)
                ? Results.Ok(new RoundView(round.RoundId, round.Questions.Select(q => new QuestionView(q.Id, q.Text)).ToList(), round.ExpiresAt, round.TriesLeftToday))
                : Problem(error);
        })
        .RequireAuthorization(ScopePolicy.StaffOrMachineAuth)
        .WithSummary("Zieht zufällige Fragen zu persönlichen Daten (nur die Fragen, nie die hinterlegten Werte).");

        auth.MapPost("/phone-questions/{roundId:guid}/answers", async (Guid roundId, AnswersBody body, HttpContext http, PhoneQuestionRounds rounds, CancellationToken ct) =>
        {
            var outcome = await rounds.AnswerAsync(http.User.GetKasseId(), roundId, body.Answers ?? new Dictionary<string, string?>(),
                new Performer(http.User.GetClientId(), body.StaffId), RequestAuditContext.ForClient(http, Channels.Phone), ct).ConfigureAwait(false);
            if (outcome.Authentication is { } a)
            {
                return Results.Ok(AuthenticationView.From(a));
            }
            return Problem(outcome.Error!, new Dictionary<string, object?> { ["tries_left_today"] = outcome.TriesLeftToday });
        })
        .RequireAuthorization(ScopePolicy.StaffOrMachineAuth)
        .WithSummary("Prüft die Antworten (normalisiert); alle richtig → gespeicherte Authentifizierung.");

        auth.MapPost("/in-person", async (InPersonBody body, HttpContext http, RecordAuthentication record, CancellationToken ct) =>
        {
            var result = await record.InPersonAsync(http.User.GetKasseId(), http.User.GetClientId(),
                new InPersonInput(body.Kvnr, body.DocumentType, body.DocumentNumberLast4, body.PhotoMatches, body.StaffId, body.RepresentativeId),
                RequestAuditContext.ForClient(http, Channels.InPerson), ct).ConfigureAwait(false);
            return result.TryGetValue(out var a, out var error) ? Results.Ok(AuthenticationView.From(a)) : Problem(error);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.Staff))
        .WithSummary("Beratungscenter: Lichtbildausweis geprüft → Vertrauensniveau „hoch“.");

        auth.MapPost("/written", async (WrittenBody body, HttpContext http, RecordAuthentication record, CancellationToken ct) =>
        {
            var result = await record.WrittenAsync(http.User.GetKasseId(), http.User.GetClientId(),
                new WrittenInput(body.Kvnr, body.Channel, body.Matched?.Signature ?? false, body.Matched?.Name ?? false,
                    body.Matched?.AddressOrBirthDate ?? false, body.Matched?.Kvnr ?? false, body.StaffId, body.RepresentativeId),
                RequestAuditContext.ForClient(http, body.Channel), ct).ConfigureAwait(false);
            return result.TryGetValue(out var a, out var error) ? Results.Ok(AuthenticationView.From(a)) : Problem(error);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.Staff))
        .WithSummary("Brief oder Kontaktformular: übereinstimmende Angaben → Vertrauensniveau nach Regeln; Antwort per Post an die hinterlegte Anschrift.");

        auth.MapPost("/portal-login", async (PortalLoginBody body, HttpContext http, RecordAuthentication record, CancellationToken ct) =>
        {
            var result = await record.PortalLoginAsync(http.User.GetKasseId(), http.User.GetClientId(),
                new PortalLoginInput(body.Kvnr, body.Factors, body.PortalSessionId, body.RepresentativeId),
                RequestAuditContext.ForClient(http, Channels.Portal), ct).ConfigureAwait(false);
            return result.TryGetValue(out var a, out var error) ? Results.Ok(AuthenticationView.From(a)) : Problem(error);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.Portal))
        .WithSummary("Portal-Backend: abgeschlossene Anmeldung mit zwei Faktoren → Vertrauensniveau nach Faktoren (eID, eGK mit PIN → „hoch“; Passwort + zweiter Faktor → „substantiell“).");

        return disclosure;
    }

    private static bool IsStaff(ClaimsPrincipal user) => user.HasClaim(PforteClaims.Scope, ApiScopes.Staff);

    /// <summary>Staff decide for every channel; the IVR and portal back end (machine-auth) for phone and portal; the portal back end (portal) for the portal.</summary>
    private static bool MayDecideFor(ClaimsPrincipal user, string channel) =>
        IsStaff(user)
        || (user.HasClaim(PforteClaims.Scope, ApiScopes.MachineAuth) && channel is Channels.Phone or Channels.Portal)
        || (user.HasClaim(PforteClaims.Scope, ApiScopes.Portal) && channel == Channels.Portal);

    private static IResult Problem(Error error, IDictionary<string, object?>? extensions = null) => ProblemResults.Result(error.Code switch
    {
        ErrorCodes.ApiPersonNotFound or ErrorCodes.PhoneQuestionSessionUnknown or ErrorCodes.AuthRepresentativeUnknown => StatusCodes.Status404NotFound,
        ErrorCodes.PhoneQuestionsTryLimit => StatusCodes.Status429TooManyRequests,
        ErrorCodes.PhoneQuestionsWrong or ErrorCodes.PhotoMismatch => StatusCodes.Status401Unauthorized,
        ErrorCodes.PhoneQuestionsUnavailable or ErrorCodes.WrittenTooFewDetails or ErrorCodes.AuthPersonDeceased
            or ErrorCodes.AuthMethodNotOffered => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status400BadRequest,
    }, error, extensions);
}

public sealed record OutboundBody(
    [property: JsonPropertyName("channel")] string? Channel,
    [property: JsonPropertyName("contains_personal_data")] bool ContainsPersonalData,
    [property: JsonPropertyName("subject_kvnr")] string? SubjectKvnr,
    [property: JsonPropertyName("purpose")] string? Purpose);

public sealed record DecideBody(
    [property: JsonPropertyName("authenticationId")] Guid? AuthenticationId,
    [property: JsonPropertyName("channel")] string? Channel,
    [property: JsonPropertyName("requestKind")] string? RequestKind,
    [property: JsonPropertyName("direction")] string? Direction,
    [property: JsonPropertyName("subjectKvnr")] string? SubjectKvnr);

public sealed record DecisionView(
    [property: JsonPropertyName("allowed")] bool Allowed,
    [property: JsonPropertyName("requiredLevel")] string RequiredLevel,
    [property: JsonPropertyName("achievedLevel")] string AchievedLevel,
    [property: JsonPropertyName("reasonCode")] string ReasonCode,
    [property: JsonPropertyName("explanation")] string Explanation,
    [property: JsonPropertyName("alternatives")] IReadOnlyList<string> Alternatives,
    [property: JsonPropertyName("representativeId")] Guid? RepresentativeId);

public sealed record DrawBody([property: JsonPropertyName("kvnr")] string? Kvnr, [property: JsonPropertyName("staff_id")] string? StaffId);

public sealed record QuestionView([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("text")] string Text);

public sealed record RoundView(
    [property: JsonPropertyName("round_id")] Guid RoundId,
    [property: JsonPropertyName("questions")] IReadOnlyList<QuestionView> Questions,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("tries_left_today")] int TriesLeftToday);

public sealed record AnswersBody(
    [property: JsonPropertyName("answers")] Dictionary<string, string?>? Answers,
    [property: JsonPropertyName("staff_id")] string? StaffId);

public sealed record InPersonBody(
    [property: JsonPropertyName("kvnr")] string? Kvnr,
    [property: JsonPropertyName("document_type")] string? DocumentType,
    [property: JsonPropertyName("document_number_last4")] string? DocumentNumberLast4,
    [property: JsonPropertyName("photo_matches")] bool PhotoMatches,
    [property: JsonPropertyName("staff_id")] string? StaffId,
    [property: JsonPropertyName("representative_id")] Guid? RepresentativeId);

public sealed record MatchedDetails(
    [property: JsonPropertyName("signature")] bool Signature,
    [property: JsonPropertyName("name")] bool Name,
    [property: JsonPropertyName("address_or_birth_date")] bool AddressOrBirthDate,
    [property: JsonPropertyName("kvnr")] bool Kvnr);

public sealed record WrittenBody(
    [property: JsonPropertyName("kvnr")] string? Kvnr,
    [property: JsonPropertyName("channel")] string? Channel,
    [property: JsonPropertyName("matched")] MatchedDetails? Matched,
    [property: JsonPropertyName("staff_id")] string? StaffId,
    [property: JsonPropertyName("representative_id")] Guid? RepresentativeId);

public sealed record PortalLoginBody(
    [property: JsonPropertyName("kvnr")] string? Kvnr,
    [property: JsonPropertyName("factors")] IReadOnlyList<string?>? Factors,
    [property: JsonPropertyName("portalSessionId")] string? PortalSessionId,
    [property: JsonPropertyName("representativeId")] Guid? RepresentativeId);

public sealed record AuthenticationView(
    [property: JsonPropertyName("authentication_id")] Guid AuthenticationId,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("valid_until")] DateTimeOffset ValidUntil,
    [property: JsonPropertyName("answer_by_post_to_registered_address")] bool AnswerByPost)
{
    public static AuthenticationView From(PersonAuthentication a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(a.Id, a.Method, a.Level, a.Channel, a.ValidUntil, a.Channel is Channels.Letter or Channels.ContactForm);
    }
}
