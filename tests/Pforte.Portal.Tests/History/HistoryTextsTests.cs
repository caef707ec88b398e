using Pforte.Core.Audit;
using Pforte.Core.Portal;
using Pforte.Portal.History;

namespace Pforte.Portal.Tests.History;

/// <summary>The history speaks plain German for every action Pforte records about a person.</summary>
public sealed class HistoryTextsTests
{
    /// <summary>
    /// Actions about a person, which have a sentence of their own: everything below 7000 but the Kasse's branding, the
    /// alarms about sources and clients (no person) and the re-keying (not shown), the portal's own about persons
    /// (7004–7099), and the audit read (9006). Administration (9xxx) concerns no person.
    /// </summary>
    private static IEnumerable<AuditAction> Described => Enum.GetValues<AuditAction>().Where(a =>
        ((int)a < 7000 && a is not (AuditAction.KasseBrandingChanged or AuditAction.CodeRekeyed or AuditAction.SourceThrottled or AuditAction.FailureRateAlarm
            or AuditAction.ClientSprayAlarm))
        || (int)a is >= 7004 and < 7100
        || a == AuditAction.AuditEntriesRead);

    [Fact]
    public void Every_action_about_a_person_has_a_sentence_of_its_own()
    {
        var missing = Described.Where(a => HistoryTexts.ActionText(a) == Texts.History["ActionOther"]).ToList();
        Assert.True(missing.Count == 0, "History.resx lacks Action." + string.Join(", Action.", missing));
    }

    [Fact]
    public void An_unknown_action_reads_as_a_generic_sentence_not_a_number()
    {
        Assert.Equal("Ein Vorgang in Ihrem Konto", HistoryTexts.ActionText((AuditAction)6999));
    }

    [Fact]
    public void A_line_says_who_when_where_and_why_in_german()
    {
        var item = new HistoryItem(7, new DateTimeOffset(2026, 12, 5, 9, 5, 0, TimeSpan.Zero), AuditAction.CodeVerificationFailed, true, "phone",
            HistoryActor.Person, null, null, "wrong-code");
        var line = HistoryTexts.Describe(item);
        Assert.Equal("Samstag, 5. Dezember 2026, 10:05 Uhr", line.When);
        Assert.Equal("Fehlversuch mit Ihrem Authentifizierungscode", line.What);
        Assert.Equal("Sie", line.Who);
        Assert.Equal("Telefon", line.Channel);
        Assert.Equal("nicht erfolgreich", line.Result);
        Assert.Equal("falscher Code", line.Reason);

        var byParent = HistoryTexts.Describe(item with { Actor = HistoryActor.Representative, RepresentativeName = "Anna Schmidt",
            RepresentativeKind = Core.Insured.RepresentativeKind.GesetzlicherVertreter, Reason = "weak:keypad-line", Channel = "portal" });
        Assert.Equal("Anna Schmidt (Elternteil) für Sie", byParent.Who);
        Assert.Equal("zu leicht zu erraten", byParent.Reason);
        Assert.Equal("Mitarbeiter/in Ihrer Kasse", HistoryTexts.Describe(item with { Actor = HistoryActor.Staff }).Who);
        Assert.Equal("Ihre Kasse (automatisch)", HistoryTexts.Describe(item with { Actor = HistoryActor.Kasse, Channel = null }).Who);
    }

    [Fact]
    public void Every_letter_kind_has_a_german_name()
    {
        var missing = Core.Letters.LetterKinds.All.Where(k => LetterLines.KindName(k) == Texts.Letters["KindOther"]).ToList();
        Assert.True(missing.Count == 0, "Letters.resx lacks Kind." + string.Join(", Kind.", missing));
    }
}
