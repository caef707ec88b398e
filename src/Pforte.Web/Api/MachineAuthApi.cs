using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;
using Pforte.Core.AuthCodes;
using Pforte.Core.Clients;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Web.Hosting;

namespace Pforte.Web.Api;

/// <summary>
/// The machine procedure for the IVR and the portal back end, and its staff functions. Every failed verification
/// gets the same 401 body (PF-MA-001); only malformed input is told apart, because it reveals nothing about persons.
/// </summary>
public static class MachineAuthApi
{
    public static RouteGroupBuilder MapMachineAuthApi(this RouteGroupBuilder v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var machine = v1.MapGroup("/machine-auth").WithTags("Maschinelles Verfahren")
            .RequireAuthorization(ScopePolicy.For(ApiScopes.MachineAuth));

        machine.MapPost("/verify", async (VerifyBody body, HttpContext http, VerificationQueue verify, IOptions<AuthCodeOptions> options, DisclosurePolicy policy, CancellationToken ct) =>
        {
            if (Parse(body, options.Value.CardDigitsFor(body.Channel ?? ""), policy) is { } invalid)
            {
                return invalid.Problem;
            }
            var attempt = new VerifyAttempt(http.User.GetKasseId(), http.User.GetClientId(), body.ToRequest(), AuditFor(http, body));
            var outcome = await verify.SubmitAsync(attempt, ct).ConfigureAwait(false);
            return outcome.Status switch
            {
                VerifyStatus.Verified => Results.Ok(new VerifyResponse(true, outcome.Authentication!.Id, outcome.Authentication.Level, outcome.Authentication.ValidUntil)),
                VerifyStatus.Failed => Failed(),
                VerifyStatus.Throttled => Throttled(http, outcome.RetryAfter!.Value),
                VerifyStatus.Invalid => ProblemResults.Result(StatusCodes.Status400BadRequest, outcome.Error!),
                _ => throw new InvalidOperationException(),
            };
        })
        .WithName("VerifyMachineAuth")
        .Produces<VerifyResponse>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes, VerifyInputCodes)
        .Problems(StatusCodes.Status401Unauthorized, ApiDocs.Codes(ErrorCodes.MachineAuthFailed))
        .Problems(StatusCodes.Status422UnprocessableEntity, ApiDocs.Codes(ErrorCodes.AuthMethodNotOffered))
        .Problems(StatusCodes.Status429TooManyRequests, ApiDocs.Codes(ErrorCodes.MachineAuthThrottled))
        .WithSummary("Prüft KVNR, Kennnummer der Karte und Authentifizierungscode; bei Erfolg Vertrauensniveau „hoch“.");

        machine.MapPost("/change", async (ChangeBody body, HttpContext http, ChangeAuthCode change, IOptions<AuthCodeOptions> options, DisclosurePolicy policy, CancellationToken ct) =>
        {
            if (Parse(body, options.Value.CardDigitsFor(body.Channel ?? ""), policy) is { } invalid)
            {
                return invalid.Problem;
            }
            if (!IsCode(body.NewCode))
            {
                return ProblemResults.Result(StatusCodes.Status400BadRequest, new Error(ErrorCodes.MachineAuthNewCodeFormat));
            }
            var outcome = await change.ExecuteAsync(http.User.GetKasseId(), http.User.GetClientId(), body.ToRequest(), body.NewCode!, AuditFor(http, body), ct).ConfigureAwait(false);
            return outcome.Status switch
            {
                ChangeStatus.Changed => Results.Ok(new ChangeResponse(true)),
                ChangeStatus.Failed => Failed(),
                ChangeStatus.Throttled => Throttled(http, outcome.Verification.RetryAfter!.Value),
                ChangeStatus.Invalid => ProblemResults.Result(StatusCodes.Status400BadRequest, outcome.Verification.Error!),
                ChangeStatus.Weak => ProblemResults.Result(StatusCodes.Status422UnprocessableEntity,
                    new Error(ErrorCodes.WeakCode, new LocalizedText(WeakCodeTexts.Describe(outcome.WeakRule!), WeakCodeTexts.Describe(outcome.WeakRule!, ErrorTexts.English))),
                    new Dictionary<string, object?> { ["rule"] = outcome.WeakRule }),
                _ => throw new InvalidOperationException(),
            };
        })
        .WithName("ChangeMachineAuthCode")
        .Produces<ChangeResponse>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes, VerifyInputCodes, ApiDocs.Codes(ErrorCodes.MachineAuthNewCodeFormat))
        .Problems(StatusCodes.Status401Unauthorized, ApiDocs.Codes(ErrorCodes.MachineAuthFailed))
        .Problems(StatusCodes.Status422UnprocessableEntity, ApiDocs.Codes(ErrorCodes.AuthMethodNotOffered, ErrorCodes.WeakCode))
        .Problems(StatusCodes.Status429TooManyRequests, ApiDocs.Codes(ErrorCodes.MachineAuthThrottled))
        .WithSummary("Ändert den Authentifizierungscode nach Prüfung wie bei /verify; zu leicht zu erratende Codes werden abgelehnt.");

        var staff = v1.MapGroup("/insured/{kvnr}").WithTags("Maschinelles Verfahren (Mitarbeitende)")
            .RequireAuthorization(ScopePolicy.For(ApiScopes.Staff));

        staff.MapGet("/code-status", async (string kvnr, HttpContext http, GetCodeStatus status, CancellationToken ct) =>
        {
            var result = await status.ExecuteAsync(http.User.GetKasseId(), kvnr, ct).ConfigureAwait(false);
            return result.TryGetValue(out var value, out var error) ? Results.Ok(value) : PersonProblem(error);
        })
        .WithName("GetCodeStatus")
        .Produces<CodeStatus>()
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes)
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ApiPersonNotFound))
        .WithSummary("Zustand des Codes einer Person: seit wann, warum keiner, Briefe, Fehlversuche – nie der Code.");

        staff.MapPost("/code/reissue", async (string kvnr, ReissueBody body, HttpContext http, ReissueAuthCode reissue, CancellationToken ct) =>
        {
            var result = await reissue.ExecuteAsync(http.User.GetKasseId(), kvnr, body.Reason, RequestAuditContext.ForClient(http), ct).ConfigureAwait(false);
            return result.TryGetValue(out var letter, out var error)
                ? Results.Accepted(null, new ReissueResponse(letter.Id, letter.Kind, letter.QueuedAt))
                : PersonProblem(error);
        })
        .WithName("ReissueCode")
        .Produces<ReissueResponse>(StatusCodes.Status202Accepted)
        .Problems(StatusCodes.Status400BadRequest, ApiDocs.KvnrCodes, ApiDocs.Codes(ErrorCodes.ReissueReasonMissing, ErrorCodes.FieldTooLong))
        .Problems(StatusCodes.Status404NotFound, ApiDocs.Codes(ErrorCodes.ApiPersonNotFound))
        .Problems(StatusCodes.Status409Conflict, ApiDocs.Codes(ErrorCodes.ReissueNotEligible))
        .WithSummary("Sperrt den bisherigen Code sofort und schickt einen neuen per Brief.");

        return machine;
    }

    private static readonly string[] VerifyInputCodes =
        [ErrorCodes.MachineAuthChannel, ErrorCodes.MachineAuthCardFormat, ErrorCodes.MachineAuthCodeFormat, ErrorCodes.FieldTooLong, ErrorCodes.InputIpAddress, ErrorCodes.InputCallerId];

    private static IResult PersonProblem(Error error) => ProblemResults.Result(
        error.Code == ErrorCodes.ApiPersonNotFound ? StatusCodes.Status404NotFound
        : error.Code == ErrorCodes.ReissueNotEligible ? StatusCodes.Status409Conflict
        : StatusCodes.Status400BadRequest, error);

    private static IResult Failed() => ProblemResults.Result(StatusCodes.Status401Unauthorized, new Error(ErrorCodes.MachineAuthFailed));

    private static IResult Throttled(HttpContext http, TimeSpan retryAfter)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ProblemResults.Result(StatusCodes.Status429TooManyRequests, new Error(ErrorCodes.MachineAuthThrottled));
    }

    private static Pforte.Core.Audit.AuditContext AuditFor(HttpContext http, VerifyBody body) =>
        RequestAuditContext.ForClient(http, body.Channel, body.Source?.CallerId, body.Source?.CallId, body.Source?.Ip);

    private sealed record Invalid(IResult Problem);

    private static Invalid? Parse(VerifyBody body, int cardDigits, DisclosurePolicy policy)
    {
        static Invalid Bad(Error e) => new(ProblemResults.Result(StatusCodes.Status400BadRequest, e));
        if (!Kvnr.Parse(body.Kvnr).TryGetValue(out _, out var error))
        {
            return Bad(error);
        }
        if (!MachineChannels.IsKnown(body.Channel))
        {
            return Bad(new Error(ErrorCodes.MachineAuthChannel, body.Channel ?? ""));
        }
        if (policy.Offers(body.Channel!, AuthenticationMethods.MachineCode) is { } notOffered)
        {
            // A setting of the Kasse, the same for every person: no enumeration concern, counts nothing.
            return new(ProblemResults.Result(StatusCodes.Status422UnprocessableEntity, notOffered));
        }
        if (body.CardNumber is null || body.CardNumber.Length is not (CardNumber.Length) && body.CardNumber.Length != cardDigits
            || !body.CardNumber.All(char.IsAsciiDigit)
            || (body.CardNumber.Length == CardNumber.Length && !CardNumber.Parse(body.CardNumber).IsSuccess))
        {
            return Bad(new Error(ErrorCodes.MachineAuthCardFormat, cardDigits));
        }
        if (!IsCode(body.Code))
        {
            return Bad(new Error(ErrorCodes.MachineAuthCodeFormat));
        }
        foreach (var (name, value, max) in new[] { ("source.callerId", body.Source?.CallerId, 64), ("source.callId", body.Source?.CallId, 128), ("source.ip", body.Source?.Ip, 64) })
        {
            if (value is { Length: > 0 } && value.Length > max)
            {
                return Bad(new Error(ErrorCodes.FieldTooLong, name, max));
            }
        }
        return null;
    }

    private static bool IsCode(string? code) => code is { Length: 4 } && code.All(char.IsAsciiDigit);
}

/// <summary>Where the request came from, as the API client saw it (throttling key; docs/guessing.md).</summary>
public sealed record SourceBody(
    [property: MaxLength(64)] string? CallerId = null,
    [property: MaxLength(128)] string? CallId = null,
    [property: MaxLength(64)] string? Ip = null);

public record VerifyBody(string Kvnr, string CardNumber, string Code, string Channel, SourceBody? Source = null)
{
    internal VerifyRequest ToRequest() =>
        new(Pforte.Core.Common.Kvnr.Parse(Kvnr).Value, CardNumber, Code, Channel, Source?.CallerId, Source?.CallId, Source?.Ip);
}

public sealed record ChangeBody(string Kvnr, string CardNumber, string Code, string NewCode, string Channel, SourceBody? Source = null)
    : VerifyBody(Kvnr, CardNumber, Code, Channel, Source);

public sealed record VerifyResponse(bool Verified, Guid AuthenticationId, string Level, DateTimeOffset ValidUntil);

public sealed record ChangeResponse(bool Changed);

public sealed record ReissueBody(string Reason);

public sealed record ReissueResponse(Guid LetterId, string Kind, DateTimeOffset QueuedAt);
