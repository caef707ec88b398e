using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Core.Portal;
using Pforte.Testing;

namespace Pforte.Persistence.Tests.History;

public sealed class PortalLettersTests
{
    private static async Task<OutboxLetter> LetterAsync(HistoryHarness h, InsuredPerson person, string kind, byte[]? sealedCode = null, DateTimeOffset? exportedAt = null)
    {
        var letter = new OutboxLetter
        {
            Id = Guid.CreateVersion7(),
            KasseId = h.KasseId,
            PersonId = person.Id,
            Kind = kind,
            Kvnr = person.Kvnr,
            FamilyName = person.FamilyName,
            GivenName = person.GivenName,
            Street = person.Street,
            HouseNumber = person.HouseNumber,
            PostalCode = person.PostalCode,
            City = person.City,
            Country = person.Country,
            QueuedAt = h.Clock.GetUtcNow(),
            SealedCode = sealedCode,
            ExportedAt = exportedAt,
        };
        await using var db = h.Db.NewContext();
        db.Letters.Add(letter);
        await db.SaveChangesAsync(HistoryHarness.Ct);
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        return letter;
    }

    private static Task<Result<LetterCopy>> CopyAsync(HistoryHarness h, Guid personId, string? id) =>
        h.RunAsync(s => s.GetRequiredService<PortalLetters>().CopyAsync(h.KasseId, personId, id, PortalAudit.Context(personId, null, "127.0.0.1", "s"), HistoryHarness.Ct));

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task The_list_shows_the_persons_letters_newest_first_and_offers_copies_only_without_code(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync();
        var other = await h.PersonAsync("Bernd", "Weber");
        await LetterAsync(h, person, LetterKinds.CodeFirst, exportedAt: HistoryHarness.Now);
        await LetterAsync(h, person, LetterKinds.AddressChanged);
        await LetterAsync(h, other, LetterKinds.CodeChanged);

        var letters = await h.RunAsync(s => s.GetRequiredService<PortalLetters>().ListAsync(h.KasseId, person.Id, HistoryHarness.Ct));

        Assert.Equal([LetterKinds.AddressChanged, LetterKinds.CodeFirst], letters.Select(l => l.Kind));
        Assert.Equal([true, false], letters.Select(l => l.CopyAvailable));
        Assert.Equal([LetterStates.Queued, LetterStates.HandedOver], letters.Select(l => l.State));
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task A_copy_is_rendered_again_from_the_outbox_marked_as_copy_and_audited(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync();
        var letter = await LetterAsync(h, person, LetterKinds.CodeChanged, exportedAt: HistoryHarness.Now);

        var copy = (await CopyAsync(h, person.Id, letter.Id.ToString())).Value;

        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(copy.Pdf), StringComparison.Ordinal);
        var model = Assert.Single(h.Renderer.Rendered);
        Assert.Equal(PortalLetters.CopyWatermark, model.Watermark);
        Assert.Null(model.Code);
        Assert.Equal(letter.Id.ToString("N"), model.Reference);
        Assert.Equal("Jürgen Müßig", model.RecipientLines[0]);
        Assert.Equal(new DateOnly(2026, 12, 5), model.Date);
        await using var db = h.Db.NewContext();
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == AuditAction.LetterCopyProvided, HistoryHarness.Ct);
        Assert.Equal(person.Id, entry.SubjectPersonId);
        Assert.Equal("portal", entry.Channel);
        Assert.Contains(letter.Id.ToString(), entry.Details, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Code_letters_never_have_a_copy_and_another_persons_letter_answers_like_none(string provider)
    {
        await using var h = await HistoryHarness.CreateAsync(provider);
        var person = await h.PersonAsync();
        var other = await h.PersonAsync("Bernd", "Weber");
        var codeLetters = new List<OutboxLetter>();
        foreach (var kind in LetterKinds.All.Where(LetterKinds.CarriesCode))
        {
            codeLetters.Add(await LetterAsync(h, person, kind, sealedCode: kind == LetterKinds.CodeFirst ? [1, 2, 3] : null, exportedAt: kind == LetterKinds.CodeFirst ? null : HistoryHarness.Now));
        }
        var foreign = await LetterAsync(h, other, LetterKinds.AddressChanged);

        foreach (var letter in codeLetters)
        {
            Assert.Equal(ErrorCodes.PortalLetterCopyCarriesCode, (await CopyAsync(h, person.Id, letter.Id.ToString())).Error?.Code);
        }
        var foreignAnswer = await CopyAsync(h, person.Id, foreign.Id.ToString());
        var missingAnswer = await CopyAsync(h, person.Id, Guid.CreateVersion7().ToString());
        var garbageAnswer = await CopyAsync(h, person.Id, "../../etc/passwd");
        Assert.Equal(ErrorCodes.PortalNotFound, foreignAnswer.Error?.Code);
        Assert.Equal(foreignAnswer.Error!.Message, missingAnswer.Error?.Message);
        Assert.Equal(foreignAnswer.Error.Message, garbageAnswer.Error?.Message);
        Assert.Empty(h.Renderer.Rendered);
        Assert.True(PortalLetters.CarriesSecret("activation-letter-of-a-kind-not-known-yet"));

        await using var db = h.Db.NewContext();
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == AuditAction.LetterCopyProvided, HistoryHarness.Ct));
    }
}
