using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Testing;
using UglyToad.PdfPig;

namespace Pforte.Cli.Tests.Letters;

/// <summary>
/// Issue 11, finding 10: the code-changed letter said "online geändert" also when the person changed the code on the
/// phone. It names the channel the change came through; read back from the printed PDF.
/// </summary>
public sealed class CodeChangedLetterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("phone", "telefonisch geändert", "online")]
    [InlineData("portal", "online im Versichertenportal geändert", "telefonisch")]
    public async Task The_code_changed_letter_names_the_channel_of_the_change(string channel, string expected, string never)
    {
        await using var f = await LetterExportFixture.CreateAsync("sqlite");
        var person = await f.AddPersonAsync();
        await f.IssueDueAsync();
        var code = Assert.Single((await f.PendingCodesAsync()).Values);
        Assert.Equal(0, (await f.CliAsync("letters", "export", "--out", Path.Combine(f.OutDir, "first"))).ExitCode);

        await using (var scope = f.Services.CreateAsyncScope())
        {
            var card = await f.WithDbAsync(db => db.HealthCards.Where(c => c.PersonId == person.Id).Select(c => c.CardNumber).SingleAsync(Ct));
            var request = new VerifyRequest(Kvnr.Parse(person.Kvnr).Value, card, code, channel, channel == "phone" ? "+4969123456" : null, null, channel == "portal" ? "192.0.2.10" : null);
            var outcome = await scope.ServiceProvider.GetRequiredService<ChangeAuthCode>().ExecuteAsync(f.Kasse.Id, Guid.CreateVersion7(), request, "8352",
                new AuditContext(ActorKind.Client, "client:test", channel), Ct);
            Assert.Equal(ChangeStatus.Changed, outcome.Status);
        }

        var out2 = Path.Combine(f.OutDir, "second");
        var run = await f.CliAsync("letters", "export", "--out", out2);
        Assert.True(run.ExitCode == 0, run.Err);
        var pdf = Assert.Single(Directory.GetFiles(Assert.Single(Directory.GetDirectories(out2, "batch-*")), "*.pdf"));
        using var document = PdfDocument.Open(pdf);
        var text = string.Join(' ', document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain(never, text, StringComparison.Ordinal);
        Assert.DoesNotContain("8352", text, StringComparison.Ordinal);
    }
}
