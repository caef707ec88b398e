using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pforte.Core;
using Pforte.Core.Accounts;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Keys.Pkcs11;
using Pforte.Testing;
using Pforte.Testing.Accounts;

namespace Pforte.Persistence.Tests.Accounts;

/// <summary>"Aktivierungsbrief anfordern" (ADR 0015): enumeration-safe request, sealed until hand-over, single use.</summary>
public sealed class ActivationLetterTests
{
    private static readonly AuditContext Context = new(ActorKind.Client, "client:portal-test", Channel: "portal", SourceIp: "198.51.100.4");

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task The_code_from_the_handed_over_letter_opens_a_registration_once_and_unknown_details_get_the_same_answer(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var testDb = await TestDb.CreateAsync(provider);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(testDb.Configuration).Build();
        var services = new ServiceCollection().AddPforteCore(configuration).AddPkcs11KeyStore(configuration);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        await using var sp = services.BuildServiceProvider();
        Guid kasseId;
        await using (var db0 = testDb.NewContext())
        {
            kasseId = (await TestData.CreateKasseAsync(db0)).Id;
        }
        var person = await AccountTestData.PersonWithCodeAsync(sp, kasseId, 11);
        async Task<T> Run<T>(Func<PortalActivationLetters, Task<T>> action)
        {
            await using var scope = sp.CreateAsyncScope();
            return await action(scope.ServiceProvider.GetRequiredService<PortalActivationLetters>());
        }

        Assert.Null(await Run(a => a.RequestAsync(kasseId, person.Kvnr, person.CardNumber, "198.51.100.4", Context, ct)));
        Assert.Null(await Run(a => a.RequestAsync(kasseId, TestData.Kvnr(12), person.CardNumber, "198.51.100.4", Context, ct)));
        Assert.Null(await Run(a => a.RequestAsync(kasseId, person.Kvnr, person.CardNumber, "198.51.100.4", Context, ct))); // within 7 days: no second letter

        await using var db = testDb.NewContext();
        var letter = await db.Letters.SingleAsync(l => l.Kind == LetterKinds.PortalActivation, ct);
        Assert.NotNull(letter.SealedCode);
        // Before the hand-over the code is not usable, whatever it is.
        Assert.Equal(ErrorCodes.MachineAuthFailed, (await Run(a => a.RedeemAsync(kasseId, person.Kvnr, person.CardNumber, "ABCD-EFGH-JKLM", "198.51.100.4", Context, ct))).Error!.Code);

        string? printed = null;
        await using (var scope = sp.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<LetterHandOver>().HandOverAsync([letter.Id], Guid.CreateVersion7(), (letters, _) =>
            {
                printed = letters.Single().Code;
                return Task.CompletedTask;
            }, AuditContext.System("test"), ct);
        }
        Assert.Matches("^[A-Z2-9]{12}$", printed!);
        var shown = string.Join('-', printed!.Chunk(4).Select(c => new string(c))).ToLowerInvariant();
        var ticket = await Run(a => a.RedeemAsync(kasseId, person.Kvnr, person.CardNumber, shown, "198.51.100.4", Context, ct));
        Assert.True(ticket.IsSuccess, ticket.Error?.ToString());
        var again = await Run(a => a.RedeemAsync(kasseId, person.Kvnr, person.CardNumber, printed, "198.51.100.4", Context, ct));
        Assert.Equal(ErrorCodes.MachineAuthFailed, again.Error!.Code);

        // The registration goes on from the ticket like one opened with the code.
        await using (var scope = sp.CreateAsyncScope())
        {
            var next = await scope.ServiceProvider.GetRequiredService<RegisterPortalAccount>()
                .SetCredentialsAsync(ticket.Value, "aktiviert", "Sommerregen über Kassel 42", "Sommerregen über Kassel 42", Context, ct);
            Assert.True(next.IsSuccess, next.Error?.ToString());
        }
        var stored = await db.PortalActivations.AsNoTracking().SingleAsync(ct);
        Assert.NotNull(stored.UsedAt);
        Assert.Null((await db.Letters.AsNoTracking().SingleAsync(l => l.Id == letter.Id, ct)).SealedCode);
        var entries = await db.AuditEntries.AsNoTracking().Select(e => e.Details ?? "").ToListAsync(ct);
        Assert.DoesNotContain(entries, d => d.Contains(printed!, StringComparison.OrdinalIgnoreCase));
    }
}
