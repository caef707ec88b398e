using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Insured;
using Pforte.Core.Portal;

namespace Pforte.Portal.History;

/// <summary>One history entry in plain German, as the page shows it.</summary>
public sealed record HistoryLine(string When, string What, string Who, string Channel, string Result, string? Reason, bool Failed);

/// <summary>
/// Turns a <see cref="HistoryItem"/> into German sentences from <c>History.resx</c>. An action without a sentence
/// of its own (added by a later issue) reads "Ein Vorgang in Ihrem Konto" rather than a technical name.
/// </summary>
public static class HistoryTexts
{
    public static HistoryLine Describe(HistoryItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var when = TimeZoneInfo.ConvertTime(item.OccurredAt, BerlinCalendar.Zone).DateTime;
        return new HistoryLine(
            Texts.History.Format("WhenFormat", when),
            ActionText(item.Action),
            Actor(item),
            ChannelText(item.Channel),
            item.Failed ? Texts.History["ResultFailed"] : item.Action is AuditAction.RepresentedDataViewed or AuditAction.AuditEntriesRead
                ? Texts.History["ResultInfo"] : Texts.History["ResultSuccess"],
            ReasonText(item.Reason),
            item.Failed);
    }

    /// <summary>The sentence of an action, or the generic one.</summary>
    public static string ActionText(AuditAction action) =>
        Enum.IsDefined(action) && TryText(Texts.History, "Action." + action) is { } text ? text : Texts.History["ActionOther"];

    /// <summary>The German name of a representation's kind, as the history and the representation page say it.</summary>
    public static string KindName(RepresentativeKind kind) => Texts.History["Kind" + kind];

    private static string Actor(HistoryItem item) => item.Actor switch
    {
        HistoryActor.Person => Texts.History["ActorPerson"],
        HistoryActor.Representative => Texts.History.Format("ActorRepresentative", item.RepresentativeName, item.RepresentativeKind is { } k ? KindName(k) : ""),
        HistoryActor.Staff => Texts.History["ActorStaff"],
        HistoryActor.Kasse => Texts.History["ActorKasse"],
        _ => Texts.History["ActorKasse"],
    };

    private static string ChannelText(string? channel) => channel switch
    {
        null or "" => Texts.History["ChannelNone"],
        "cli" => Texts.History["ChannelCli"],
        _ when Channels.IsKnown(channel) => Channels.GermanName(channel),
        _ => Texts.History["ChannelAdmin"],
    };

    private static string? ReasonText(string? reason)
    {
        if (reason is null)
        {
            return null;
        }
        // Weak-code refusals carry the rule id ("weak:keypad-line"); the person gets the rule's gist, not its id.
        var key = reason.StartsWith("weak:", StringComparison.Ordinal) ? "weak" : reason;
        return TryText(Texts.History, "Reason." + key);
    }

    internal static string? TryText(TextSet set, string key)
    {
        try
        {
            return set[key];
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }
}

/// <summary>Letters in German: the kind's name and dates as the letter pages and the overview show them.</summary>
public static class LetterLines
{
    public static string KindName(string kind) => HistoryTexts.TryText(Texts.Letters, "Kind." + kind) ?? Texts.Letters["KindOther"];

    public static string Date(DateTimeOffset at) => Texts.Letters.Format("DateFormat", TimeZoneInfo.ConvertTime(at, BerlinCalendar.Zone).DateTime);
}
