using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core;
using Pforte.Core.Audit;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Benchmarks;

/// <summary>
/// Benchmark set-up only: plays the print service for every pending letter and writes "kvnr;card;code" lines, so
/// that the load generator can send right and wrong codes. The codes go to a file under /tmp for the length of a
/// benchmark run — exactly what a print file holds, and never on a production machine.
/// </summary>
internal static class HandOverCodes
{
    public static async Task RunAsync(string output)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPforteCore(configuration);
        Pforte.Keys.Pkcs11.Pkcs11KeyStoreServices.AddPkcs11KeyStore(services, configuration); // KEY_STORE=hsm (bench/verify/run.sh)
        await using var provider = services.BuildServiceProvider();
        await using var writer = new StreamWriter(output);
        var total = 0;
        while (true)
        {
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
            var ids = await db.Letters.Where(l => l.ExportedAt == null).OrderBy(l => l.QueuedAt).Select(l => l.Id).Take(5000).ToListAsync();
            if (ids.Count == 0)
            {
                break;
            }
            await scope.ServiceProvider.GetRequiredService<LetterHandOver>().HandOverAsync(ids, Guid.CreateVersion7(), async (letters, ct) =>
            {
                var persons = letters.Select(l => l.Letter.PersonId).ToList();
                var cards = await db.HealthCards.AsNoTracking().Where(c => persons.Contains(c.PersonId) && c.EndedAt == null)
                    .ToDictionaryAsync(c => c.PersonId, c => c.CardNumber, ct);
                foreach (var l in letters.Where(l => l.Code is not null && cards.ContainsKey(l.Letter.PersonId)))
                {
                    await writer.WriteLineAsync($"{l.Letter.Kvnr};{cards[l.Letter.PersonId]};{l.Code}");
                }
            }, AuditContext.System("bench-print"));
            total += ids.Count;
            Console.Error.WriteLine($"… {total} letters handed over");
        }
        Console.WriteLine($"{total} letters handed over");
    }
}
