using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Insured;

namespace Pforte.Core.Disclosure;

public enum Direction
{
    /// <summary>The person tells or asks the Kasse something, or changes something.</summary>
    Inbound = 1,

    /// <summary>The Kasse says, shows or sends something.</summary>
    Outbound = 2,
}

/// <summary>The stored authentication a decision refers to, as loaded (possibly foreign or expired).</summary>
public sealed record AuthenticationFacts(Guid Id, Guid KasseId, Guid PersonId, string Level, string Channel, DateTimeOffset ValidUntil, Guid? RepresentativeId);

/// <summary>A recorded representation of the subject.</summary>
public sealed record RepresentationFacts(Guid Id, RepresentativeKind Kind, Guid? RepresentativePersonId, string Scope, DateOnly ValidFrom, DateOnly? ValidTo, bool Einwilligungsvorbehalt)
{
    public bool Covers(string requestKind) =>
        Scope == Representative.AllRequestKinds || Scope.Split(',').Contains(requestKind, StringComparer.Ordinal);

    public bool ValidOn(DateOnly day) => ValidFrom <= day && (ValidTo is null || day <= ValidTo);
}

/// <summary>The person the request is about.</summary>
public sealed record SubjectFacts(Guid KasseId, Guid PersonId, DateOnly BirthDate);

public sealed record DecisionInput(
    string Channel,
    string RequestKind,
    Direction Direction,
    SubjectFacts Subject,
    AuthenticationFacts? Authentication,
    IReadOnlyList<RepresentationFacts> Representations,
    DateTimeOffset Now,
    DateOnly Today);

/// <summary>
/// What the Kasse still needs before it acts on something it received or answers it: an authentication at
/// <paramref name="Level"/> by one of <paramref name="Methods"/> (offered on the channel it came in on); until then
/// answers go by <paramref name="AnswerBy"/> (post to the registered address).
/// </summary>
public sealed record BeforeActing(string Level, IReadOnlyList<string> Methods, string AnswerBy);

/// <summary>
/// The answer: allowed or not, the levels, a stable reason (PF-DIS-…) with its German sentence, other channels, and —
/// for documents received without authentication — what acting on them needs.
/// </summary>
public sealed record Decision(bool Allowed, string RequiredLevel, string AchievedLevel, Error Reason, IReadOnlyList<string> Alternatives, Guid? RepresentationId,
    BeforeActing? BeforeActing = null)
{
    public string ReasonCode => Reason.Code;

    public string Explanation => Reason.Message;
}

/// <summary>
/// The disclosure decision (domain.md §1, §2, §4): a pure function over data the caller has loaded — no I/O, no
/// clock of its own — so it is cheap enough for every screen an agent opens and testable as a table.
/// Order: the channel first (what can never happen here, whoever asks), then whether anything personal is involved,
/// then whether the authentication counts (same Kasse, not expired, this channel, this person or a representation),
/// then the representation's limits and § 36 SGB I, last the level. Documents sent in on a channel that takes them are
/// then accepted whatever that said (a receipt, ADR 0014); refusals name only alternatives reachable at the need.
/// </summary>
public static class DisclosureDecision
{
    /// <summary>From this age a minor acts alone in social-law matters (§ 36 SGB I).</summary>
    public const int AgeOfSocialCapacity = 15;

    public static Decision Decide(DisclosurePolicy policy, DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(input);
        var decision = DecideAuthenticated(policy, input);
        var kind = policy.Kind(input.RequestKind)!;
        var channel = policy.Channel(input.Channel)!;
        // Receiving is never the risk (domain.md §4): documents sent in on a channel that takes them are accepted
        // whatever the authentication; what is missing is needed before the Kasse acts on them or answers.
        if (decision.Allowed || input.Direction != Direction.Inbound || !channel.Inbound
            || !DisclosureDefaults.ReceivedWithoutAuthentication.Contains(kind.Id, StringComparer.Ordinal)
            || !kind.Channels.Contains(channel.Id, StringComparer.Ordinal))
        {
            return decision;
        }
        var methods = policy.MethodsReaching(channel.Id, kind.ProtectionNeed);
        var means = Means(policy, methods, kind.ProtectionNeed);
        var how = methods.Count > 0
            ? new Localized("hier mit: " + means.German, "here with: " + means.English)
            : new Localized("über einen anderen Weg", "through another channel");
        return new(true, kind.ProtectionNeed, AchievedOrNone(input, channel.Id),
            new Error(ErrorCodes.DisclosureDocumentsReceived, Channels.GermanName(channel.Id), kind.ProtectionNeed, how), [], null,
            new BeforeActing(kind.ProtectionNeed, methods, Channels.Letter));
    }

    private static Decision DecideAuthenticated(DisclosurePolicy policy, DecisionInput input)
    {
        var channel = policy.Channel(input.Channel) ?? throw new ArgumentException($"Unknown channel {input.Channel}", nameof(input));
        var kind = policy.Kind(input.RequestKind) ?? throw new ArgumentException($"Unknown request kind {input.RequestKind}", nameof(input));
        var required = kind.ProtectionNeed;
        var requiredRank = TrustLevelOrder.Rank(required);
        var kindName = RequestKindNames.German(kind.Id);
        var channelName = Channels.GermanName(channel.Id);
        var outbound = input.Direction == Direction.Outbound;

        Decision Refuse(string achieved, Error reason) => new(false, required, achieved, reason, Cached(policy, kind, input.Direction, channel.Id).Ids, null);

        // 1. The channel: what it can never carry, whoever asks and whatever level.
        if (!outbound && !channel.Inbound)
        {
            return Refuse(TrustLevels.None, new Error(ErrorCodes.DisclosureChannelClosed, channelName, Names(policy, kind, input.Direction, channel.Id)));
        }
        if (outbound && requiredRank > 0 && !channel.PersonalDataOutbound)
        {
            return Refuse(TrustLevels.None, new Error(ErrorCodes.DisclosureNoPersonalDataOnChannel, channelName, Names(policy, kind, input.Direction, channel.Id)));
        }
        if (outbound && !channel.Outbound)
        {
            return Refuse(TrustLevels.None, new Error(ErrorCodes.DisclosureNothingOutbound, channelName, Names(policy, kind, input.Direction, channel.Id)));
        }
        if (!kind.Channels.Contains(channel.Id, StringComparer.Ordinal))
        {
            return Refuse(TrustLevels.None, new Error(ErrorCodes.DisclosureKindNotOnChannel, kindName, channelName, Names(policy, kind, input.Direction, channel.Id)));
        }

        // 2. Nothing personal: no authentication needed.
        if (requiredRank == 0)
        {
            return new(true, required, AchievedOrNone(input, channel.Id), new Error(ErrorCodes.DisclosureAllowedNoPersonalData, kindName), [], null);
        }

        // 3. Post to the registered address counts as secure and reaches only the person (domain.md §4).
        if (outbound && channel.Id == Channels.Letter)
        {
            return new(true, required, AchievedOrNone(input, channel.Id), new Error(ErrorCodes.DisclosureAllowedByPost, kindName), [], null);
        }

        // 4. Does the authentication count here?
        var auth = input.Authentication;
        if (auth is null)
        {
            return Refuse(TrustLevels.None, new Error(ErrorCodes.DisclosureNotAuthenticated, kindName, required, Here(policy, channel.Id, required), Names(policy, kind, input.Direction, channel.Id)));
        }
        if (auth.KasseId != input.Subject.KasseId)
        {
            return Refuse(TrustLevels.None, new Error(ErrorCodes.DisclosureAuthenticationForeign));
        }
        if (auth.ValidUntil <= input.Now)
        {
            return Refuse(TrustLevels.None, new Error(ErrorCodes.DisclosureAuthenticationExpired));
        }
        if (!string.Equals(auth.Channel, channel.Id, StringComparison.Ordinal))
        {
            return Refuse(TrustLevels.None, new Error(ErrorCodes.DisclosureAuthenticationOtherChannel, Channels.GermanName(auth.Channel), channelName));
        }
        var achieved = auth.Level;
        var age = AgeOn(input.Subject.BirthDate, input.Today);

        RepresentationFacts? acting = null;
        if (auth.PersonId == input.Subject.PersonId && auth.RepresentativeId is null)
        {
            // The person acts alone.
            if (age < AgeOfSocialCapacity)
            {
                return Refuse(achieved, new Error(ErrorCodes.DisclosureMinorNeedsRepresentative, kindName));
            }
            if (!outbound && kind.NeedsConsent && input.Representations.Any(r =>
                    r.Kind == RepresentativeKind.Betreuer && r.Einwilligungsvorbehalt && r.ValidOn(input.Today) && r.Covers(kind.Id)))
            {
                return Refuse(achieved, new Error(ErrorCodes.DisclosureEinwilligungsvorbehalt, kindName));
            }
        }
        else
        {
            // Someone acts for the person: only within a recorded representation.
            var candidates = auth.RepresentativeId is { } rid
                ? input.Representations.Where(r => r.Id == rid && auth.PersonId == input.Subject.PersonId).ToList()
                : input.Representations.Where(r => r.RepresentativePersonId == auth.PersonId).ToList();
            if (candidates.Count == 0)
            {
                return Refuse(TrustLevels.None, new Error(ErrorCodes.DisclosureAuthenticationForeign));
            }
            Error? firstRefusal = null;
            foreach (var r in candidates)
            {
                var refusal = RepresentationRefusal(r, kind.Id, kindName, age, input.Today);
                if (refusal is null)
                {
                    acting = r;
                    break;
                }
                firstRefusal ??= refusal;
            }
            if (acting is null)
            {
                return Refuse(achieved, firstRefusal!);
            }
        }

        // 5. The level.
        if (TrustLevelOrder.Rank(achieved) < requiredRank)
        {
            return Refuse(achieved, new Error(ErrorCodes.DisclosureLevelTooLow, kindName, required, achieved, Here(policy, channel.Id, required), Names(policy, kind, input.Direction, channel.Id)));
        }
        return acting is null
            ? new(true, required, achieved, new Error(ErrorCodes.DisclosureAllowed, kindName, channelName, achieved), [], null)
            : new(true, required, achieved, new Error(ErrorCodes.DisclosureAllowedForRepresentative, kindName, KindName(acting.Kind), achieved), [], acting.Id);
    }

    private static Error? RepresentationRefusal(RepresentationFacts r, string kind, string kindName, int age, DateOnly today)
    {
        if (!r.ValidOn(today))
        {
            return new Error(ErrorCodes.DisclosureRepresentativeNotValid,
                r.ValidFrom.ToString("dd.MM.yyyy", ErrorTexts.German), r.ValidTo?.ToString("dd.MM.yyyy", ErrorTexts.German) ?? "unbefristet");
        }
        if (!r.Covers(kind))
        {
            return new Error(ErrorCodes.DisclosureRepresentativeOutOfScope, kindName);
        }
        if (r.Kind == RepresentativeKind.GesetzlicherVertreter && age >= AgeOfSocialCapacity)
        {
            return new Error(ErrorCodes.DisclosureMinorActsAlone);
        }
        if (kind == RequestKinds.NewAuthCode)
        {
            return new Error(ErrorCodes.DisclosureCodeNotForRepresentative);
        }
        return null;
    }

    private static string KindName(RepresentativeKind kind) => kind switch
    {
        RepresentativeKind.Betreuer => "Betreuer/in",
        RepresentativeKind.Bevollmaechtigter => "Bevollmächtigte/r",
        _ => "gesetzliche Vertretung",
    };

    /// <summary>Age in completed years on a day (a person born on 29 Feb turns a year older on 1 Mar in common years).</summary>
    public static int AgeOn(DateOnly birthDate, DateOnly day)
    {
        var age = day.Year - birthDate.Year;
        if (day.Month < birthDate.Month || (day.Month == birthDate.Month && day.Day < birthDate.Day))
        {
            age--;
        }
        return age;
    }

    private static string AchievedOrNone(DecisionInput input, string channel) =>
        input.Authentication is { } a && a.KasseId == input.Subject.KasseId && a.ValidUntil > input.Now && a.Channel == channel
            && (a.PersonId == input.Subject.PersonId || input.Representations.Any(r => r.RepresentativePersonId == a.PersonId))
            ? a.Level : TrustLevels.None;

    /// <summary>
    /// Other channels where this request is possible in this direction at its protection need, the portal
    /// (recommended) first: without authentication (nothing personal, post to the registered address, documents
    /// received), or with a method offered there that reaches the need under the current settings.
    /// </summary>
    public static IReadOnlyList<string> Alternatives(DisclosurePolicy policy, RequestKindRule kind, Direction direction, string except)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(kind);
        var result = new List<string>(4);
        foreach (var id in PreferenceOrder)
        {
            if (id != except && kind.Channels.Contains(id, StringComparer.Ordinal) && Requirement(policy, kind, direction, id) is not null)
            {
                result.Add(id);
            }
        }
        return result;
    }

    /// <summary>What the request takes on a channel (null: not possible there), as the words after the channel's name.</summary>
    private static Localized? Requirement(DisclosurePolicy policy, RequestKindRule kind, Direction direction, string id)
    {
        var c = policy.Channel(id)!;
        var personal = TrustLevelOrder.Rank(kind.ProtectionNeed) > 0;
        if (direction == Direction.Inbound ? !c.Inbound : !c.Outbound)
        {
            return null;
        }
        if (!personal)
        {
            return new("", "");
        }
        if (direction == Direction.Outbound && !c.PersonalDataOutbound)
        {
            return null;
        }
        if (direction == Direction.Outbound && id == Channels.Letter)
        {
            return new("Antwort per Post an die hinterlegte Anschrift, ohne Authentifizierung", "answer by post to the registered address, no authentication needed");
        }
        if (direction == Direction.Inbound && DisclosureDefaults.ReceivedWithoutAuthentication.Contains(kind.Id, StringComparer.Ordinal))
        {
            return new("ohne vorherige Authentifizierung", "no prior authentication");
        }
        var methods = policy.MethodsReaching(id, kind.ProtectionNeed);
        return methods.Count == 0 ? null : Means(policy, methods, kind.ProtectionNeed);
    }

    private static readonly string[] PreferenceOrder =
        [Channels.Portal, Channels.Letter, Channels.InPerson, Channels.Phone, Channels.ContactForm, Channels.Email, Channels.Chat, Channels.Fax];

    /// <summary>The alternatives with what each takes, for the explanation ("Onlineportal mit Postfach – Authentifizierungscode …; Brief – …").</summary>
    private static Localized Names(DisclosurePolicy policy, RequestKindRule kind, Direction direction, string except) =>
        Cached(policy, kind, direction, except).Names;

    private static (IReadOnlyList<string> Ids, Localized Names) Cached(DisclosurePolicy policy, RequestKindRule kind, Direction direction, string except) =>
        policy.AlternativesCache.GetOrAdd((kind.Id, direction, except), key =>
        {
            var ids = Alternatives(policy, kind, key.Direction, key.Except);
            var parts = ids.Select(id => (Name: Channels.GermanName(id), Needs: Requirement(policy, kind, key.Direction, id)!))
                .Select(p => p.Needs.German.Length == 0 ? new Localized(p.Name, p.Name) : new Localized($"{p.Name} – {p.Needs.German}", $"{p.Name} – {p.Needs.English}"))
                .ToList();
            return (ids, parts.Count == 0 ? new("keine", "none") : Localized.Join("; ", "; ", parts));
        });

    /// <summary>How the level is reached on this channel, as a sentence for PF-DIS-009 and 010 (once per channel and level).</summary>
    private static Localized Here(DisclosurePolicy policy, string channel, string level) =>
        policy.HereCache.GetOrAdd((channel, level), key => HereUncached(policy, key.Channel, key.Level));

    private static Localized HereUncached(DisclosurePolicy policy, string channel, string level)
    {
        var methods = policy.MethodsReaching(channel, level);
        if (methods.Count == 0)
        {
            return new($"Über {Channels.GermanName(channel)} lässt sich dieses Vertrauensniveau nicht erreichen.", $"This level cannot be reached via {Channels.GermanName(channel)}.");
        }
        var means = Means(policy, methods, level);
        return new($"Hier geht das mit: {means.German}.", $"Here this takes: {means.English}.");
    }

    private static Localized Means(DisclosurePolicy policy, IReadOnlyList<string> methods, string level) =>
        Localized.Join(" oder ", " or ", methods.Select(m => policy.Reach.Means(m, level)!));
}
