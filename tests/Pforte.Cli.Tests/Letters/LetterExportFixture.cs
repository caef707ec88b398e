using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Letters;

/// <summary>A test database with persons who got codes (IssueDueCodes) and a CLI-like service provider on it.</summary>
public sealed class LetterExportFixture : IAsyncDisposable
{
    private int _next = 2000;

    private LetterExportFixture(TestDb db, ServiceProvider services, Kasse kasse, string outDir)
    {
        Db = db;
        Services = services;
        Kasse = kasse;
        OutDir = outDir;
    }

    public TestDb Db { get; }

    public ServiceProvider Services { get; }

    public Kasse Kasse { get; }

    public string OutDir { get; }

    public static async Task<LetterExportFixture> CreateAsync(string provider)
    {
        var db = await TestDb.CreateAsync(provider);
        Kasse kasse;
        await using (var context = db.NewContext())
        {
            kasse = await TestData.CreateKasseAsync(context);
        }
        var services = new CliContext(TextWriter.Null, TextWriter.Null, db.Configuration).BuildServices();
        var outDir = Path.Combine(Path.GetTempPath(), "pforte-tests", "letters-" + Guid.NewGuid().ToString("N"));
        return new LetterExportFixture(db, services, kasse, outDir);
    }

    public async Task<InsuredPerson> AddPersonAsync(string street = "Schloßallee", string given = "Jürgen", string family = "Groß", Kasse? kasse = null)
    {
        var n = Interlocked.Increment(ref _next);
        var person = new InsuredPerson
        {
            Id = Guid.CreateVersion7(), KasseId = (kasse ?? Kasse).Id, Kvnr = TestData.Kvnr(n), FamilyName = family, GivenName = given,
            BirthDate = new DateOnly(1971, 4, 12), InsuranceKind = InsuranceKind.Member, InsuranceStart = new DateOnly(2001, 1, 1),
            Street = street, HouseNumber = "3", PostalCode = "35037", City = "Marburg", Country = "DE",
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        person.Cards.Add(new HealthCard { Id = Guid.CreateVersion7(), CardNumber = TestData.Card(n), RecordedAt = DateTimeOffset.UtcNow });
        await using var context = Db.NewContext();
        context.InsuredPersons.Add(person);
        await context.SaveChangesAsync();
        return person;
    }

    public async Task IssueDueAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IssueDueCodes>()
            .ExecuteAsync(BerlinCalendar.Today(TimeProvider.System), AuditContext.System("test"));
    }

    /// <summary>Queues a letter without code (e.g. code-changed) for the person, as the use cases do.</summary>
    public async Task<Guid> QueueAsync(InsuredPerson person, string kind)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync();
        var letter = await scope.ServiceProvider.GetRequiredService<LetterOutbox>().QueueAsync(person, kind, AuditContext.System("test"));
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return letter.Id;
    }

    /// <summary>The clear codes of all letters still holding one, by letter id (the test's own knowledge, as the key holder).</summary>
    public async Task<Dictionary<Guid, string>> PendingCodesAsync()
    {
        await using var context = Db.NewContext();
        var sealer = Services.GetRequiredService<CodeSealer>();
        var rows = await context.Letters.AsNoTracking().Where(l => l.SealedCode != null).Select(l => new { l.Id, l.SealedCode }).ToListAsync();
        return rows.ToDictionary(r => r.Id, r => sealer.Unseal(r.Id, r.SealedCode!));
    }

    public async Task<List<byte[]>> SealedCodesAsync()
    {
        await using var context = Db.NewContext();
        return await context.Letters.AsNoTracking().Where(l => l.SealedCode != null).Select(l => l.SealedCode!).ToListAsync();
    }

    public async Task<T> WithDbAsync<T>(Func<PforteDbContext, Task<T>> query)
    {
        await using var context = Db.NewContext();
        return await query(context);
    }

    public Task<CliRunner.Run> CliAsync(params string[] args) => CliRunner.RunAsync(Db.Configuration, args);

    /// <summary>Runs the real <c>pforte</c> executable as a child process (for hard exits).</summary>
    public async Task<(int ExitCode, string Out, string Err)> ChildAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "pforte.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in Db.Configuration)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    public static Regex Standalone(string code) => new($"(?<![0-9A-Za-z:.\\-]){code}(?![0-9A-Za-z:.\\-])");

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Db.DisposeAsync();
        if (Directory.Exists(OutDir))
        {
            Directory.Delete(OutDir, recursive: true);
        }
    }
}
