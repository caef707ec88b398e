using System.Security.Claims;
using System.ComponentModel.DataAnnotations;
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
            if (Channels.IsKnown(body.Channel) && !MayDecideFor(http.User, body.Channel))
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
            return Results.Ok(new DecisionView(d.Allowed, d.RequiredLevel, d.AchievedLevel, d.ReasonCode, d.Explanation, d.Alternatives, d.RepresentationId,
                d.BeforeActing is { } b ? new BeforeActingView(b.Level, b.Methods, b.AnswerBy) : null));
        })
        .RequireAuthorization(ScopePolicy.Decide)
        .WithName("DecideDisclosure")
        .Produces<DecisionView>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes, ApiDocs.Codes(ErrorCodes.DisclosureChannelUnknown, ErrorCodes.DisclosureRequestKindUnknown,
            ErrorCodes.DisclosureDirectionUnknown, ErrorCodes.DisclosureAuthenticationUnknown))
        .Problems(StatusCodes.Status403Forbidden, ApiDocs.Codes(ErrorCodes.ApiForbidden))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ApiPersonNotFound))
        .WithSummary("Entscheidet, ob ein Anliegen über einen Kanal in einer Richtung erlaubt ist – mit Begründung zum Vorlesen und Alternativen.");

        disclosure.MapGet("/channels", (DisclosurePolicy policy) => Results.Ok(new ChannelsView(
            [.. policy.Channels.Select(c => new ChannelView(c.Id, Channels.GermanName(c.Id), c.Inbound, c.Methods, c.PersonalDataOutbound, c.Outbound))],
            [.. policy.RequestKinds.Select(k => new RequestKindView(k.Id, RequestKindNames.German(k.Id), k.ProtectionNeed, k.Channels, k.NeedsConsent))])))
        .RequireAuthorization(ScopePolicy.StaffOrMachineAuth)
        .WithName("ListChannels")
        .Produces<ChannelsView>()
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
            var result = await guard.ReleaseAsync(http.User.GetKasseId(), new OutboundMessage(body.Channel, body.ContainsPersonalData, personId, kvnr, body.Purpose),
                RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            return result.TryGetValue(out var permit, out var error)
                ? Results.Ok(new OutboundReleasedView(true, permit.Channel))
                : ProblemResults.Result(error.Code is ErrorCodes.DisclosureChannelUnknown or ErrorCodes.InputForbiddenCharacter or ErrorCodes.FieldTooLong or ErrorCodes.FieldRequired
                    ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity, error);
        })
        .RequireAuthorization(ScopePolicy.StaffOrMachineAuth)
        .WithTags("Auskunft und Kanäle")
        .WithName("ReleaseOutbound")
        .Produces<OutboundReleasedView>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes, ApiDocs.Codes(ErrorCodes.FieldRequired, ErrorCodes.DisclosureChannelUnknown))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ApiPersonNotFound))
        .Problems(StatusCodes.Status422UnprocessableEntity, ApiDocs.Codes(ErrorCodes.DisclosureNoPersonalDataOnChannel, ErrorCodes.DisclosureNothingOutbound))
        .WithSummary("Ausgangstür: prüft und protokolliert, ob etwas über einen Kanal hinausgehen darf (personenbezogen nie per E-Mail, Chat, Fax).");

        var auth = v1.MapGroup("/authentications").WithTags("Authentifizierung");
        auth.MapPost("/phone-questions", async (DrawBody body, HttpContext http, PhoneQuestionRounds rounds, CancellationToken ct) =>
        {
            var result = await rounds.DrawAsync(http.User.GetKasseId(), body.Kvnr, new Performer(http.User.GetClientId(), body.StaffId),
                RequestAuditContext.ForClient(http, Channels.Phone), ct).ConfigureAwait(false);
            return result.TryGetValue(out var round, out var error)
                ? Results.Ok(new RoundView(round.RoundId, round.Questions.Select(q => new QuestionView(q.Id, q.Text)).ToList(), round.ExpiresAt, round.TriesLeftToday))
                : Problem(error);
        })
        .RequireAuthorization(ScopePolicy.StaffOrMachineAuth)
        .WithName("DrawPhoneQuestions")
        .Produces<RoundView>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes, ApiDocs.Codes(ErrorCodes.StaffIdMissing))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ApiPersonNotFound))
        .Problems(StatusCodes.Status422UnprocessableEntity, ApiDocs.Codes(ErrorCodes.PhoneQuestionsUnavailable, ErrorCodes.AuthPersonDeceased, ErrorCodes.AuthMethodNotOffered))
        .Problems(StatusCodes.Status429TooManyRequests, ApiDocs.Codes(ErrorCodes.PhoneQuestionsTryLimit))
        .WithSummary("Zieht zufällige Fragen zu persönlichen Daten (nur die Fragen, nie die hinterlegten Werte).");

        auth.MapPost("/phone-questions/{roundId:guid}/answers", async (Guid roundId, AnswersBody body, HttpContext http, PhoneQuestionRounds rounds, CancellationToken ct) =>
        {
            var outcome = await rounds.AnswerAsync(http.User.GetKasseId(), roundId, body.Answers,
                new Performer(http.User.GetClientId(), body.StaffId), RequestAuditContext.ForClient(http, Channels.Phone), ct).ConfigureAwait(false);
            if (outcome.Authentication is { } a)
            {
                return Results.Ok(AuthenticationView.From(a));
            }
            return Problem(outcome.Error!, new Dictionary<string, object?> { ["triesLeftToday"] = outcome.TriesLeftToday });
        })
        .RequireAuthorization(ScopePolicy.StaffOrMachineAuth)
        .WithName("AnswerPhoneQuestions")
        .Produces<AuthenticationView>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.Codes(ErrorCodes.PhoneQuestionsAnswerMissing, ErrorCodes.StaffIdMissing))
        .Problems(StatusCodes.Status401Unauthorized, ApiDocs.Codes(ErrorCodes.PhoneQuestionsWrong, ErrorCodes.PhoneQuestionsWrongNoTriesLeft))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.PhoneQuestionSessionUnknown))
        .Problems(StatusCodes.Status422UnprocessableEntity, ApiDocs.Codes(ErrorCodes.AuthPersonDeceased))
        .Problems(StatusCodes.Status429TooManyRequests, ApiDocs.Codes(ErrorCodes.PhoneQuestionsTryLimit))
        .WithSummary("Prüft die Antworten (normalisiert); alle richtig → gespeicherte Authentifizierung.");

        auth.MapPost("/in-person", async (InPersonBody body, HttpContext http, RecordAuthentication record, CancellationToken ct) =>
        {
            var result = await record.InPersonAsync(http.User.GetKasseId(), http.User.GetClientId(),
                new InPersonInput(body.Kvnr, body.DocumentType, body.DocumentNumberLast4, body.PhotoMatches, body.StaffId, body.RepresentativeId),
                RequestAuditContext.ForClient(http, Channels.InPerson), ct).ConfigureAwait(false);
            return result.TryGetValue(out var a, out var error) ? Results.Ok(AuthenticationView.From(a)) : Problem(error);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.Staff))
        .WithName("RecordInPersonAuthentication")
        .Produces<AuthenticationView>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes, ApiDocs.Codes(ErrorCodes.DocumentTypeUnknown, ErrorCodes.DocumentNumberFormat, ErrorCodes.StaffIdMissing))
        .Problems(StatusCodes.Status401Unauthorized, ApiDocs.Codes(ErrorCodes.PhotoMismatch))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ApiPersonNotFound, ErrorCodes.AuthRepresentativeUnknown))
        .Problems(StatusCodes.Status422UnprocessableEntity, ApiDocs.Codes(ErrorCodes.AuthPersonDeceased, ErrorCodes.AuthMethodNotOffered))
        .WithSummary("Beratungscenter: Lichtbildausweis geprüft → Vertrauensniveau „hoch“.");

        auth.MapPost("/written", async (WrittenBody body, HttpContext http, RecordAuthentication record, CancellationToken ct) =>
        {
            var result = await record.WrittenAsync(http.User.GetKasseId(), http.User.GetClientId(),
                new WrittenInput(body.Kvnr, body.Channel, body.Matched.Signature, body.Matched.Name,
                    body.Matched.AddressOrBirthDate, body.Matched.Kvnr, body.StaffId, body.RepresentativeId),
                RequestAuditContext.ForClient(http, body.Channel), ct).ConfigureAwait(false);
            return result.TryGetValue(out var a, out var error) ? Results.Ok(AuthenticationView.From(a)) : Problem(error);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.Staff))
        .WithName("RecordWrittenAuthentication")
        .Produces<AuthenticationView>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes, ApiDocs.Codes(ErrorCodes.WrittenChannel, ErrorCodes.StaffIdMissing))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ApiPersonNotFound, ErrorCodes.AuthRepresentativeUnknown))
        .Problems(StatusCodes.Status422UnprocessableEntity, ApiDocs.Codes(ErrorCodes.WrittenTooFewDetails, ErrorCodes.AuthPersonDeceased, ErrorCodes.AuthMethodNotOffered))
        .WithSummary("Brief oder Kontaktformular: übereinstimmende Angaben → Vertrauensniveau nach Regeln; Antwort per Post an die hinterlegte Anschrift.");

        auth.MapPost("/portal-login", async (PortalLoginBody body, HttpContext http, RecordAuthentication record, CancellationToken ct) =>
        {
            var result = await record.PortalLoginAsync(http.User.GetKasseId(), http.User.GetClientId(),
                new PortalLoginInput(body.Kvnr, body.Factors, body.PortalSessionId, body.RepresentativeId),
                RequestAuditContext.ForClient(http, Channels.Portal), ct).ConfigureAwait(false);
            return result.TryGetValue(out var a, out var error) ? Results.Ok(AuthenticationView.From(a)) : Problem(error);
        })
        .RequireAuthorization(ScopePolicy.For(ApiScopes.Portal))
        .WithName("RecordPortalLogin")
        .Produces<AuthenticationView>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes, ApiDocs.Codes(ErrorCodes.PortalFactorUnknown,
            ErrorCodes.PortalFactorDuplicate, ErrorCodes.PortalFactorsTooFew, ErrorCodes.PortalFactorsSameKind, ErrorCodes.PortalSessionIdInvalid))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ApiPersonNotFound, ErrorCodes.AuthRepresentativeUnknown))
        .Problems(StatusCodes.Status422UnprocessableEntity, ApiDocs.Codes(ErrorCodes.AuthPersonDeceased, ErrorCodes.AuthMethodNotOffered))
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
        ErrorCodes.PhoneQuestionsWrong or ErrorCodes.PhoneQuestionsWrongNoTriesLeft or ErrorCodes.PhotoMismatch => StatusCodes.Status401Unauthorized,
        ErrorCodes.PhoneQuestionsUnavailable or ErrorCodes.WrittenTooFewDetails or ErrorCodes.AuthPersonDeceased
            or ErrorCodes.AuthMethodNotOffered => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status400BadRequest,
    }, error, extensions);
}

// Request bodies: a constructor parameter without a default is required, one with "= null" optional; a non-nullable
// type refuses null (StrictJson). Names are the camelCase of the parameter names.

/// <param name="ContainsPersonalData">Required, never assumed: a message whose sender cannot say this is refused.</param>
public sealed record OutboundBody(
    string Channel,
    bool ContainsPersonalData,
    [property: MaxLength(100)] string Purpose,
    string? SubjectKvnr = null);

public sealed record DecideBody(
    string Channel,
    string RequestKind,
    string Direction,
    Guid? AuthenticationId = null,
    string? SubjectKvnr = null);

public sealed record DecisionView(
    bool Allowed,
    string RequiredLevel,
    string AchievedLevel,
    string ReasonCode,
    string Explanation,
    IReadOnlyList<string> Alternatives,
    Guid? RepresentativeId,
    BeforeActingView? BeforeActing);

/// <summary>Documents received without authentication: the level and methods needed before acting on them, and how to answer until then.</summary>
public sealed record BeforeActingView(string Level, IReadOnlyList<string> Methods, string AnswerBy);

public sealed record ChannelView(string Id, string Name, bool Inbound, IReadOnlyList<string> Methods, bool PersonalDataOutbound, bool Outbound);

public sealed record RequestKindView(string Id, string Name, string ProtectionNeed, IReadOnlyList<string> Channels, bool NeedsConsent);

public sealed record ChannelsView(IReadOnlyList<ChannelView> Channels, IReadOnlyList<RequestKindView> RequestKinds);

public sealed record OutboundReleasedView(bool Released, string Channel);

public sealed record DrawBody(string Kvnr, [property: MaxLength(64)] string? StaffId = null);

public sealed record QuestionView(string Id, string Text);

public sealed record RoundView(Guid RoundId, IReadOnlyList<QuestionView> Questions, DateTimeOffset ExpiresAt, int TriesLeftToday);

public sealed record AnswersBody(Dictionary<string, string?> Answers, [property: MaxLength(64)] string? StaffId = null);

public sealed record InPersonBody(
    string Kvnr,
    string DocumentType,
    string DocumentNumberLast4,
    bool PhotoMatches,
    [property: MaxLength(64)] string StaffId,
    Guid? RepresentativeId = null);

public sealed record MatchedDetails(bool Signature, bool Name, bool AddressOrBirthDate, bool Kvnr);

public sealed record WrittenBody(
    string Kvnr,
    string Channel,
    MatchedDetails Matched,
    [property: MaxLength(64)] string StaffId,
    Guid? RepresentativeId = null);

public sealed record PortalLoginBody(
    string Kvnr,
    IReadOnlyList<string?> Factors,
    [property: MaxLength(128)] string PortalSessionId,
    Guid? RepresentativeId = null);

public sealed record AuthenticationView(
    Guid AuthenticationId,
    string Method,
    string Level,
    string Channel,
    DateTimeOffset ValidUntil,
    bool AnswerByPostToRegisteredAddress)
{
    public static AuthenticationView From(PersonAuthentication a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(a.Id, a.Method, a.Level, a.Channel, a.ValidUntil, a.Channel is Channels.Letter or Channels.ContactForm);
    }
}
