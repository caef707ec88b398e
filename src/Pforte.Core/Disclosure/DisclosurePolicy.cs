using System.Collections.Concurrent;
using Pforte.Core.Common;
using Microsoft.Extensions.Options;
using Pforte.Core.Authentication;

namespace Pforte.Core.Disclosure;

/// <summary>A channel after defaults and settings are combined.</summary>
public sealed record ChannelRule(string Id, bool Inbound, IReadOnlyList<string> Methods, bool PersonalDataOutbound, bool Outbound);

/// <summary>A request kind after defaults and settings are combined.</summary>
public sealed record RequestKindRule(string Id, string ProtectionNeed, IReadOnlyList<string> Channels, bool NeedsConsent);

/// <summary>
/// The effective channels and request kinds: <see cref="DisclosureDefaults"/> with <see cref="DisclosureOptions"/>
/// applied. Built once (a singleton); <see cref="Validate"/> lists every contradiction in German, and the host refuses
/// to start with any (ValidateOnStart).
/// </summary>
public sealed class DisclosurePolicy
{
    private readonly Dictionary<string, ChannelRule> _channels;
    private readonly Dictionary<string, RequestKindRule> _kinds;

    public DisclosurePolicy(IOptions<DisclosureOptions> options, MethodReach reach)
        : this(options?.Value ?? new DisclosureOptions(), reach)
    {
    }

    /// <param name="reach">How far each method gets under its settings; the methods' defaults when null.</param>
    public DisclosurePolicy(DisclosureOptions options, MethodReach? reach = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Reach = reach ?? MethodReach.Defaults;
        _channels = new(StringComparer.Ordinal);
        foreach (var d in DisclosureDefaults.ChannelTable)
        {
            var o = options.Channels.GetValueOrDefault(d.Id);
            _channels[d.Id] = new ChannelRule(d.Id, o?.Inbound ?? d.Inbound, o?.Methods?.ToArray() ?? d.Methods,
                o?.PersonalDataOutbound ?? d.PersonalDataOutbound, o?.Outbound ?? d.Outbound);
        }
        _kinds = new(StringComparer.Ordinal);
        foreach (var d in DisclosureDefaults.RequestKindTable)
        {
            var o = options.RequestKinds.GetValueOrDefault(d.Id);
            _kinds[d.Id] = new RequestKindRule(d.Id, o?.ProtectionNeed ?? d.ProtectionNeed, o?.Channels?.ToArray() ?? d.Channels,
                DisclosureDefaults.NeedConsent.Contains(d.Id, StringComparer.Ordinal));
        }
        Errors = Check(options);
        Channels = _channels.Values.ToList();
        RequestKinds = _kinds.Values.ToList();
    }

    public IReadOnlyList<ChannelRule> Channels { get; }

    /// <summary>How far each authentication method gets under the current settings.</summary>
    public MethodReach Reach { get; }

    /// <summary>The methods offered on a channel that reach the level, in the channel's order.</summary>
    public IReadOnlyList<string> MethodsReaching(string channel, string level) =>
        _channels.GetValueOrDefault(channel)?.Methods.Where(m => Reach.Reaches(m, level)).ToList() ?? [];

    public IReadOnlyList<RequestKindRule> RequestKinds { get; }

    /// <summary>Contradictions in the settings, as German sentences for the operator. Empty when sound.</summary>
    public IReadOnlyList<string> Errors { get; }

    public ChannelRule? Channel(string id) => _channels.GetValueOrDefault(id);

    /// <summary>
    /// Alternatives and the texts naming them depend only on this (immutable) policy and the request: worked out once
    /// per combination instead of on every refusal (DisclosureDecision).
    /// </summary>
    internal ConcurrentDictionary<(string Kind, Direction Direction, string Except), (IReadOnlyList<string> Ids, Localized Names)> AlternativesCache { get; } = new();

    internal ConcurrentDictionary<(string Channel, string Level), Localized> HereCache { get; } = new();

    /// <summary>
    /// Refuses an authentication by a method the channel catalogue does not offer on that channel (an operator who
    /// takes, say, the phone questions off the phone channel turns them off, not only their mention).
    /// </summary>
    public Error? Offers(string channel, string method) =>
        _channels.GetValueOrDefault(channel) is { } rule && rule.Methods.Contains(method, StringComparer.Ordinal)
            ? null
            : new Error(ErrorCodes.AuthMethodNotOffered, method, Disclosure.Channels.GermanName(channel), channel);

    public RequestKindRule? Kind(string id) => _kinds.GetValueOrDefault(id);

    private List<string> Check(DisclosureOptions options)
    {
        var errors = new List<string>();
        foreach (var key in options.Channels.Keys.Where(k => !Disclosure.Channels.IsKnown(k)))
        {
            errors.Add($"{DisclosureOptions.ChannelsSection}: Den Kanal „{key}“ gibt es nicht (möglich: {string.Join(", ", Disclosure.Channels.All)}).");
        }
        foreach (var key in options.RequestKinds.Keys.Where(k => !Disclosure.RequestKinds.IsKnown(k)))
        {
            errors.Add($"{DisclosureOptions.RequestKindsSection}: Das Anliegen „{key}“ gibt es nicht (möglich: {string.Join(", ", Disclosure.RequestKinds.All)}).");
        }
        foreach (var c in _channels.Values)
        {
            if (c.PersonalDataOutbound && Disclosure.Channels.NeverPersonalOutbound.Contains(c.Id))
            {
                errors.Add($"{DisclosureOptions.ChannelsSection}:{c.Id}:PersonalDataOutbound: Über {Disclosure.Channels.GermanName(c.Id)} dürfen nie personenbezogene Daten hinausgehen (unsicherer Kanal, Richtlinie nach § 217f Abs. 4b SGB V).");
            }
            if (c.Id == Disclosure.Channels.Letter && !(c.Outbound && c.PersonalDataOutbound))
            {
                errors.Add($"{DisclosureOptions.ChannelsSection}:{c.Id}: Briefe müssen personenbezogene Daten hinaustragen dürfen (Outbound und PersonalDataOutbound) – Authentifizierungscodes, Bestätigungen an die alte Anschrift und Antworten bei Zweifeln an der Identität gehen nur per Post.");
            }
            if (c.PersonalDataOutbound && !c.Outbound)
            {
                errors.Add($"{DisclosureOptions.ChannelsSection}:{c.Id}: PersonalDataOutbound ist gesetzt, Outbound aber nicht – ein Kanal, über den nichts hinausgeht, kann keine personenbezogenen Daten senden.");
            }
            foreach (var m in c.Methods)
            {
                if (!AuthenticationMethods.IsKnown(m))
                {
                    errors.Add($"{DisclosureOptions.ChannelsSection}:{c.Id}:Methods: Das Verfahren „{m}“ gibt es nicht (möglich: {string.Join(", ", AuthenticationMethods.All)}).");
                }
                else if (!Disclosure.Channels.ChannelsAbleToCarry(m).Contains(c.Id))
                {
                    errors.Add($"{DisclosureOptions.ChannelsSection}:{c.Id}:Methods: Das Verfahren „{m}“ ist über {Disclosure.Channels.GermanName(c.Id)} nicht durchführbar (nur über {string.Join(", ", Disclosure.Channels.ChannelsAbleToCarry(m))}).");
                }
            }
        }
        foreach (var k in _kinds.Values)
        {
            if (!TrustLevelOrder.IsKnown(k.ProtectionNeed))
            {
                errors.Add($"{DisclosureOptions.RequestKindsSection}:{k.Id}:ProtectionNeed: „{k.ProtectionNeed}“ ist kein Vertrauensniveau (möglich: {string.Join(", ", TrustLevelOrder.All)}).");
            }
            foreach (var ch in k.Channels.Where(ch => !Disclosure.Channels.IsKnown(ch)))
            {
                errors.Add($"{DisclosureOptions.RequestKindsSection}:{k.Id}:Channels: Den Kanal „{ch}“ gibt es nicht.");
            }
            if (DisclosureDefaults.Forbidden.TryGetValue(k.Id, out var forbidden))
            {
                foreach (var ch in k.Channels.Where(forbidden.Contains))
                {
                    errors.Add($"{DisclosureOptions.RequestKindsSection}:{k.Id}:Channels: „{RequestKindNames.German(k.Id)}“ ist über {Disclosure.Channels.GermanName(ch)} nie zulässig – nur über das Onlineportal, schriftlich oder persönlich (auch nicht bei Vertrauensniveau „hoch“).");
                }
                if (TrustLevelOrder.Rank(k.ProtectionNeed) < TrustLevelOrder.Rank(TrustLevels.Hoch))
                {
                    errors.Add($"{DisclosureOptions.RequestKindsSection}:{k.Id}:ProtectionNeed: „{RequestKindNames.German(k.Id)}“ braucht Vertrauensniveau „hoch“.");
                }
            }
            if (TrustLevelOrder.Rank(k.ProtectionNeed) > 0)
            {
                foreach (var ch in k.Channels.Where(Disclosure.Channels.IsKnown))
                {
                    var rule = _channels[ch];
                    if (rule.Inbound && rule.Methods.Count == 0 && !rule.PersonalDataOutbound)
                    {
                        errors.Add($"{DisclosureOptions.RequestKindsSection}:{k.Id}:Channels: „{RequestKindNames.German(k.Id)}“ braucht Vertrauensniveau „{k.ProtectionNeed}“, über {Disclosure.Channels.GermanName(ch)} lässt sich aber niemand authentifizieren.");
                    }
                }
            }
        }
        return errors;
    }
}

/// <summary>German names of request kinds (Anliegen) for explanations.</summary>
public static class RequestKindNames
{
    public static string German(string kind) => kind switch
    {
        RequestKinds.GeneralInformation => "Allgemeine Auskunft",
        RequestKinds.InsuranceStatus => "Versicherungsstatus / Mitgliedsbescheinigung",
        RequestKinds.Contributions => "Beiträge",
        RequestKinds.BenefitsHealthData => "Leistungen und Gesundheitsdaten",
        RequestKinds.AddressChange => "Adressänderung",
        RequestKinds.BankDetailsChange => "Änderung der Bankverbindung",
        RequestKinds.NewEgk => "Neue Gesundheitskarte",
        RequestKinds.NewAuthCode => "Neuer Authentifizierungscode",
        RequestKinds.SendDocuments => "Unterlagen senden",
        RequestKinds.PortalRegistration => "Registrierung im Onlineportal",
        _ => kind,
    };
}

internal sealed class DisclosurePolicyValidator : IValidateOptions<DisclosureOptions>
{
    public ValidateOptionsResult Validate(string? name, DisclosureOptions options) =>
        new DisclosurePolicy(options).Errors is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
