using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Insured.Import;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.Insured;

/// <summary>
/// A card number is unique across the installation, so a card held by anyone is refused. The refusal must not tell
/// whose card it is or where it is held (issue 11): a card of another Kasse and one of this Kasse give the same sentence.
/// </summary>
public sealed class CardTakenTests
{
    private static InsuredRecord Record(string kvnr, string card) => new(kvnr, "Müßig", "Jürgen", new DateOnly(1980, 2, 29),
        InsuranceKind.Member, null, new DateOnly(2000, 1, 1), null, "Lindenstraße", "5a", "60311", "Frankfurt am Main", "DE",
        card, new DateOnly(2024, 1, 1), null);

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_card_held_here_or_in_another_kasse_is_refused_with_one_sentence_that_names_nobody(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var testDb = await TestDb.CreateAsync(provider);
        await using var db = testDb.NewContext();
        var clock = TimeProvider.System;
        var ours = await TestData.CreateKasseAsync(db);
        var theirs = await TestData.CreateKasseAsync(db, TestData.OtherIk);
        var upsert = new UpsertInsured(db, new AuditLog(db, clock), clock);
        var context = AuditContext.System("test");
        Assert.True((await upsert.ExecuteAsync(ours.Id, Record(TestData.Kvnr(1), TestData.Card(1)), context, ct)).IsSuccess);
        Assert.True((await upsert.ExecuteAsync(theirs.Id, Record(TestData.Kvnr(2), TestData.Card(2)), context, ct)).IsSuccess);

        var heldHere = await upsert.ExecuteAsync(ours.Id, Record(TestData.Kvnr(3), TestData.Card(1)), context, ct);
        var heldElsewhere = await upsert.ExecuteAsync(ours.Id, Record(TestData.Kvnr(3), TestData.Card(2)), context, ct);

        Assert.Equal(ErrorCodes.CardTakenByOther, heldHere.Error!.Code);
        Assert.Equal(ErrorCodes.CardTakenByOther, heldElsewhere.Error!.Code);
        Assert.Equal(heldHere.Error.Message, heldElsewhere.Error.Message);
        foreach (var message in new[] { heldHere.Error.Message, heldElsewhere.Error.MessageIn(ErrorTexts.English) })
        {
            foreach (var word in new[] { "Person", "versichert", "Kasse", "person", "insured", "another", "andere" })
            {
                Assert.DoesNotContain(word, message, StringComparison.Ordinal);
            }
        }
    }
}
