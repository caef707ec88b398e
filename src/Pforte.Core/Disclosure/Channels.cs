using Pforte.Core.Authentication;

namespace Pforte.Core.Disclosure;

/// <summary>Channel identifiers as the API, the configuration and integrators use them (issue 5, point 7).</summary>
public static class Channels
{
    public const string InPerson = "in-person";
    public const string Phone = "phone";
    public const string Portal = "portal";
    public const string Letter = "letter";
    public const string ContactForm = "contact-form";
    public const string Email = "email";
    public const string Chat = "chat";
    public const string Fax = "fax";

    public static readonly IReadOnlyList<string> All = [InPerson, Phone, Portal, Letter, ContactForm, Email, Chat, Fax];

    /// <summary>Channels that can never carry personal data out (domain.md §4): no setting may change this.</summary>
    public static readonly IReadOnlyList<string> NeverPersonalOutbound = [Email, Chat, Fax];

    public static bool IsKnown(string? channel) => channel is not null && All.Contains(channel, StringComparer.Ordinal);

    /// <summary>German names for explanations an agent reads out.</summary>
    public static string GermanName(string channel) => channel switch
    {
        InPerson => "Beratungscenter (persönlich)",
        Phone => "Telefon",
        Portal => "Onlineportal mit Postfach",
        Letter => "Brief",
        ContactForm => "Kontaktformular",
        Email => "E-Mail",
        Chat => "Chat / Social Media",
        Fax => "Fax",
        _ => channel,
    };

    /// <summary>Which channels can physically carry an authentication method; a setting outside this is a contradiction.</summary>
    public static IReadOnlyList<string> ChannelsAbleToCarry(string method) => method switch
    {
        AuthenticationMethods.MachineCode => [Phone, Portal],
        AuthenticationMethods.PhoneQuestions => [Phone],
        AuthenticationMethods.InPersonDocument => [InPerson],
        AuthenticationMethods.PortalLogin => [Portal],
        AuthenticationMethods.LetterDetails => [Letter],
        AuthenticationMethods.ContactFormDetails => [ContactForm],
        _ => [],
    };
}

/// <summary>One channel as configured: what comes in, how people are authenticated there, what may go out.</summary>
public sealed class ChannelSettings
{
    /// <summary>Whether the Kasse accepts requests on this channel at all.</summary>
    public bool? Inbound { get; set; }

    /// <summary>Authentication methods available on this channel (<see cref="AuthenticationMethods"/>).</summary>
    public List<string>? Methods { get; set; }

    /// <summary>Whether personal data may leave the Kasse on this channel (once the level is reached).</summary>
    public bool? PersonalDataOutbound { get; set; }

    /// <summary>Whether anything may go out here at all (content-free notices, general information).</summary>
    public bool? Outbound { get; set; }
}

/// <summary>One request kind as configured: protection need and the channels that may carry it.</summary>
public sealed class RequestKindSettings
{
    /// <summary><see cref="TrustLevels"/> identifier.</summary>
    public string? ProtectionNeed { get; set; }

    public List<string>? Channels { get; set; }
}

/// <summary>
/// <c>Pforte:Channels</c> and <c>Pforte:RequestKinds</c>: overrides of the defaults in <see cref="DisclosureDefaults"/>.
/// Only the keys given are changed; everything else keeps its default. The combined result is validated at start.
/// </summary>
public sealed class DisclosureOptions
{
    public const string ChannelsSection = "Pforte:Channels";
    public const string RequestKindsSection = "Pforte:RequestKinds";

    public Dictionary<string, ChannelSettings> Channels { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, RequestKindSettings> RequestKinds { get; set; } = new(StringComparer.Ordinal);
}
