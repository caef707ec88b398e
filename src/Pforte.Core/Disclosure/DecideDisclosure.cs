using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.Disclosure;

public sealed record DecideRequest(Guid? AuthenticationId, string? Channel, string? RequestKind, string? Direction, string? SubjectKvnr);

/// <summary>
/// Loads what <see cref="DisclosureDecision"/> needs (subject, the subject's representations, the referenced
/// authentication — indexed reads sent together), decides, and records the decision in the audit trail.
/// </summary>
public sealed class DecideDisclosure(PforteDbContext db, DisclosurePolicy policy, AuditQueue audit, TimeProvider clock)
{
    public async Task<Result<Decision>> ExecuteAsync(Guid kasseId, DecideRequest request, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var (field, value) in new[] { ("channel", request.Channel), ("requestKind", request.RequestKind), ("direction", request.Direction) })
        {
            if (TextInput.Check(field, value, TextInput.ShortText) is { } bad)
            {
                return bad;
            }
        }
        if (!Channels.IsKnown(request.Channel))
        {
            return new Error(ErrorCodes.DisclosureChannelUnknown, request.Channel ?? "", string.Join(", ", Channels.All));
        }
        if (request.RequestKind is null || !RequestKinds.IsKnown(request.RequestKind))
        {
            return new Error(ErrorCodes.DisclosureRequestKindUnknown, request.RequestKind ?? "", string.Join(", ", RequestKinds.All));
        }
        Direction direction;
        switch (request.Direction)
        {
            case "inbound": direction = Direction.Inbound; break;
            case "outbound": direction = Direction.Outbound; break;
            default: return new Error(ErrorCodes.DisclosureDirectionUnknown, request.Direction ?? "");
        }
        if (!Kvnr.Parse(request.SubjectKvnr).TryGetValue(out var kvnr, out var error))
        {
            return error;
        }
        var facts = await ReadFactsAsync(kasseId, SubjectKey.Of(kvnr.Value), request.AuthenticationId, cancellationToken).ConfigureAwait(false);
        if (facts.Subject is not { } subject)
        {
            return new Error(ErrorCodes.ApiPersonNotFound);
        }
        var auth = facts.Authentication;
        if (request.AuthenticationId is not null && (auth is null || auth.KasseId != kasseId))
        {
            // Another Kasse's authentication is treated like a missing one: its existence is not this client's business.
            return new Error(ErrorCodes.DisclosureAuthenticationUnknown);
        }

        var now = clock.GetUtcNow();
        var decision = DisclosureDecision.Decide(policy, new DecisionInput(request.Channel!, request.RequestKind, direction,
            subject, auth, facts.Representations, now, BerlinCalendar.Today(clock)));

        // The decision's only write; it shares a transaction with parallel decisions and returns once committed.
        await audit.AppendAsync(new AuditRecord(kasseId, context with { Channel = request.Channel }, new AuditEvent(AuditAction.DisclosureDecided,
            decision.Allowed ? AuditOutcome.Success : AuditOutcome.Refused, subject.PersonId, kvnr.Value, ReasonCode: decision.ReasonCode,
            Details: $"{{\"request_kind\":\"{request.RequestKind}\",\"direction\":\"{request.Direction}\",\"required\":\"{decision.RequiredLevel}\",\"achieved\":\"{decision.AchievedLevel}\""
                + (auth is null ? "" : $",\"authentication\":\"{auth.Id}\"")
                + (decision.RepresentationId is { } r ? $",\"representative\":\"{r}\"" : "") + "}")), cancellationToken).ConfigureAwait(false);
        return decision;
    }

    /// <summary>
    /// The decisions for several request kinds of one subject and authentication, read once and NOT recorded: for
    /// screens that only decide what to show or offer (the mailbox's list and its topic choice, ADR 0019). Whatever is
    /// then disclosed or accepted goes through <see cref="ExecuteAsync"/>, which records. Null when the subject or the
    /// authentication is unknown (or another Kasse's).
    /// </summary>
    /// <remarks>The subject by its person id: a screen that has the person already needs no KVNR lookup first.</remarks>
    public async Task<IReadOnlyDictionary<string, Decision>?> PreviewAsync(
        Guid kasseId, Guid authenticationId, string channel, Direction direction, Guid subjectPersonId, IEnumerable<string> requestKinds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestKinds);
        var facts = await ReadFactsAsync(kasseId, SubjectKey.Of(subjectPersonId), authenticationId, cancellationToken).ConfigureAwait(false);
        if (facts.Subject is not { } subject || facts.Authentication is not { } auth || auth.KasseId != kasseId)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        var today = BerlinCalendar.Today(clock);
        return requestKinds.Distinct(StringComparer.Ordinal).Where(RequestKinds.IsKnown).ToDictionary(k => k, k =>
            DisclosureDecision.Decide(policy, new DecisionInput(channel, k, direction, subject, auth, facts.Representations, now, today)), StringComparer.Ordinal);
    }

    /// <summary>
    /// Like <see cref="PreviewAsync"/> (read once, NOT recorded), but each request kind with its own direction and the
    /// authentication optional: the staff workspace's guidance shows what an agent may tell or do before anyone is
    /// authenticated too. Null when the subject is unknown, or an authentication is given that is unknown or another Kasse's.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Decision>?> GuideAsync(
        Guid kasseId, Guid? authenticationId, string channel, Guid subjectPersonId, IEnumerable<KeyValuePair<string, Direction>> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var facts = await ReadFactsAsync(kasseId, SubjectKey.Of(subjectPersonId), authenticationId, cancellationToken).ConfigureAwait(false);
        if (facts.Subject is not { } subject || (authenticationId is not null && (facts.Authentication is not { } auth || auth.KasseId != kasseId)))
        {
            return null;
        }
        var now = clock.GetUtcNow();
        var today = BerlinCalendar.Today(clock);
        var result = new Dictionary<string, Decision>(StringComparer.Ordinal);
        foreach (var (kind, direction) in requests)
        {
            if (RequestKinds.IsKnown(kind))
            {
                result[kind] = DisclosureDecision.Decide(policy, new DecisionInput(channel, kind, direction, subject, facts.Authentication, facts.Representations, now, today));
            }
        }
        return result;
    }

    /// <summary>The subject of a decision: by KVNR (an API request) or by person id (a screen that has the person).</summary>
    private readonly record struct SubjectKey(string? Kvnr, Guid? PersonId)
    {
        public static SubjectKey Of(string kvnr) => new(kvnr, null);

        public static SubjectKey Of(Guid personId) => new(null, personId);

        public string Condition(string alias) => Kvnr is null ? $"{alias}id = @subject" : $"{alias}kvnr = @subject";
    }

    private sealed record Facts(SubjectFacts? Subject, IReadOnlyList<RepresentationFacts> Representations, AuthenticationFacts? Authentication);

    /// <summary>
    /// Subject, their representations and the referenced authentication: plain statements sent together (on
    /// PostgreSQL one round trip), read through the EF model's type mappings (this runs on every screen an agent
    /// opens; EF Core's query pipeline cost more than the reads themselves).
    /// </summary>
    private async Task<Facts> ReadFactsAsync(Guid kasseId, SubjectKey key, Guid? authenticationId, CancellationToken cancellationToken)
    {
        var sql = await PlainSql.CreateAsync(db, $"SELECT id, birth_date FROM insured_persons WHERE kasse_id = @kasse AND {key.Condition("")}; "
            + "SELECT r.id, r.kind, r.representative_person_id, r.scope, r.valid_from, r.valid_to, r.einwilligungsvorbehalt FROM representatives r "
            + $"JOIN insured_persons p ON p.id = r.represented_person_id WHERE p.kasse_id = @kasse AND {key.Condition("p.")}"
            + (authenticationId is null ? "" : "; SELECT id, kasse_id, person_id, level, channel, valid_until, representative_id FROM authentications WHERE id = @auth"),
            cancellationToken).ConfigureAwait(false);
        await using (sql.ConfigureAwait(false))
        {
            sql.With<InsuredPerson>("@kasse", nameof(InsuredPerson.KasseId), kasseId);
            if (key.Kvnr is { } kvnr)
            {
                sql.With<InsuredPerson>("@subject", nameof(InsuredPerson.Kvnr), kvnr);
            }
            else
            {
                sql.With<InsuredPerson>("@subject", nameof(InsuredPerson.Id), key.PersonId!.Value);
            }
            if (authenticationId is { } id)
            {
                sql.With<PersonAuthentication>("@auth", nameof(PersonAuthentication.Id), id);
            }
            SubjectFacts? subject = null;
            var representations = new List<RepresentationFacts>();
            AuthenticationFacts? authentication = null;
            var reader = await sql.Command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    subject = new SubjectFacts(kasseId, sql.Read<InsuredPerson, Guid>(reader, 0, nameof(InsuredPerson.Id)),
                        sql.Read<InsuredPerson, DateOnly>(reader, 1, nameof(InsuredPerson.BirthDate)));
                }
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    representations.Add(new RepresentationFacts(
                        sql.Read<Representative, Guid>(reader, 0, nameof(Representative.Id)),
                        sql.Read<Representative, RepresentativeKind>(reader, 1, nameof(Representative.Kind)),
                        sql.Read<Representative, Guid?>(reader, 2, nameof(Representative.RepresentativePersonId)),
                        sql.Read<Representative, string>(reader, 3, nameof(Representative.Scope)),
                        sql.Read<Representative, DateOnly>(reader, 4, nameof(Representative.ValidFrom)),
                        sql.Read<Representative, DateOnly?>(reader, 5, nameof(Representative.ValidTo)),
                        sql.Read<Representative, bool>(reader, 6, nameof(Representative.Einwilligungsvorbehalt))));
                }
                if (authenticationId is not null && await reader.NextResultAsync(cancellationToken).ConfigureAwait(false)
                    && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    authentication = new AuthenticationFacts(
                        sql.Read<PersonAuthentication, Guid>(reader, 0, nameof(PersonAuthentication.Id)),
                        sql.Read<PersonAuthentication, Guid>(reader, 1, nameof(PersonAuthentication.KasseId)),
                        sql.Read<PersonAuthentication, Guid>(reader, 2, nameof(PersonAuthentication.PersonId)),
                        sql.Read<PersonAuthentication, string>(reader, 3, nameof(PersonAuthentication.Level)),
                        sql.Read<PersonAuthentication, string>(reader, 4, nameof(PersonAuthentication.Channel)),
                        sql.Read<PersonAuthentication, DateTimeOffset>(reader, 5, nameof(PersonAuthentication.ValidUntil)),
                        sql.Read<PersonAuthentication, Guid?>(reader, 6, nameof(PersonAuthentication.RepresentativeId)));
                }
            }
            return new Facts(subject, representations, authentication);
        }
    }
}
