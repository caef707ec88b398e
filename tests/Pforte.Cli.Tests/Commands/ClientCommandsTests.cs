using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Commands;

public sealed partial class ClientCommandsTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(TestDb db, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, db.Configuration, TestContext.Current.CancellationToken);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static async Task<TestDb> DbWithKasseAsync(string provider)
    {
        var db = await TestDb.CreateAsync(provider);
        await using var context = db.NewContext();
        await TestData.CreateKasseAsync(context);
        return db;
    }

    [GeneratedRegex(@"pf_[0-9a-f]{12}_[0-9a-f]{64}")]
    private static partial Regex KeyPattern();

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Create_prints_the_key_once_and_stores_only_its_hash(string provider)
    {
        await using var db = await DbWithKasseAsync(provider);

        var (exit, stdout, stderr) = await RunAsync(db, "clients", "create", "--name", "ivr", "--scopes", "machine-auth,insured:read");

        Assert.Equal(CliApp.ExitCodes.Ok, exit);
        Assert.Equal("", stderr);
        var keys = KeyPattern().Matches(stdout);
        var key = Assert.Single(keys).Value;
        Assert.Contains("nur dieses eine Mal angezeigt", stdout, StringComparison.Ordinal);

        await using (var context = db.NewContext())
        {
            var row = await context.ApiClients.SingleAsync(TestContext.Current.CancellationToken);
            Assert.Equal(ApiKeys.Hash(key), row.KeyHash);
            Assert.Equal("machine-auth insured:read", row.Scopes);
            Assert.True(ApiKeys.TryGetKeyId(key, out var keyId));
            Assert.Equal(keyId, row.KeyId);
            var authenticated = await new AuthenticateApiKey(context, new ApiKeyCache()).ExecuteAsync(key, TestContext.Current.CancellationToken);
            Assert.NotNull(authenticated);
            // No column of any row (audit details included) holds the key or its secret part.
            var secret = key[(key.LastIndexOf('_') + 1)..];
            var audit = await context.AuditEntries.Select(a => a.Details).ToListAsync(TestContext.Current.CancellationToken);
            Assert.DoesNotContain(audit, d => d != null && (d.Contains(key, StringComparison.Ordinal) || d.Contains(secret, StringComparison.Ordinal)));
            Assert.Contains(await context.AuditEntries.Select(a => a.Action).ToListAsync(TestContext.Current.CancellationToken), a => a == AuditAction.ApiClientCreated);
        }
        if (db.SqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var secret = Encoding.UTF8.GetBytes(key[(key.LastIndexOf('_') + 1)..]);
            foreach (var file in new[] { db.SqliteFile, db.SqliteFile + "-wal" }.Where(File.Exists))
            {
                var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
                Assert.Equal(-1, bytes.AsSpan().IndexOf(secret));
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(key)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task List_shows_clients_without_keys_and_revoke_marks_them(string provider)
    {
        await using var db = await DbWithKasseAsync(provider);
        var (_, created, _) = await RunAsync(db, "clients", "create", "--name", "core", "--scopes", "insured:read,insured:write", "--kasse", TestData.Ik);
        var key = KeyPattern().Match(created).Value;
        Assert.True(ApiKeys.TryGetKeyId(key, out var keyId));

        var (exit, listed, _) = await RunAsync(db, "clients", "list");
        Assert.Equal(CliApp.ExitCodes.Ok, exit);
        Assert.Contains("core", listed, StringComparison.Ordinal);
        Assert.Contains(keyId, listed, StringComparison.Ordinal);
        Assert.Contains("insured:read,insured:write", listed, StringComparison.Ordinal);
        Assert.Contains("aktiv", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);
        Assert.DoesNotMatch(KeyPattern(), listed);

        var (revokeExit, revoked, revokeErr) = await RunAsync(db, "clients", "revoke", "core");
        Assert.Equal(CliApp.ExitCodes.Ok, revokeExit);
        Assert.Equal("", revokeErr);
        Assert.Contains("widerrufen", revoked, StringComparison.Ordinal);

        var (_, listedAfter, _) = await RunAsync(db, "clients", "list", "--kasse", TestData.Ik);
        Assert.Contains("widerrufen am", listedAfter, StringComparison.Ordinal);
        await using var context = db.NewContext();
        Assert.Null(await new AuthenticateApiKey(context, new ApiKeyCache()).ExecuteAsync(key, TestContext.Current.CancellationToken));
        Assert.Contains(await context.AuditEntries.Select(a => a.Action).ToListAsync(TestContext.Current.CancellationToken), a => a == AuditAction.ApiClientRevoked);
    }

    [Fact]
    public async Task Revoke_by_key_id_works_and_revoking_again_changes_nothing()
    {
        await using var db = await DbWithKasseAsync("sqlite");
        var (_, created, _) = await RunAsync(db, "clients", "create", "--name", "print", "--scopes", "letters");
        Assert.True(ApiKeys.TryGetKeyId(KeyPattern().Match(created).Value, out var keyId));

        Assert.Equal(CliApp.ExitCodes.Ok, (await RunAsync(db, "clients", "revoke", keyId)).Exit);
        Assert.Equal(CliApp.ExitCodes.Ok, (await RunAsync(db, "clients", "revoke", "print")).Exit);

        await using var context = db.NewContext();
        Assert.Equal(1, await context.AuditEntries.CountAsync(a => a.Action == AuditAction.ApiClientRevoked, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Unknown_scope_is_refused_with_its_code()
    {
        await using var db = await DbWithKasseAsync("sqlite");
        var (exit, stdout, stderr) = await RunAsync(db, "clients", "create", "--name", "ivr", "--scopes", "machine-auth,everything");
        Assert.Equal(CliApp.ExitCodes.Refused, exit);
        Assert.StartsWith(ErrorCodes.ClientScopeUnknown + ":", stderr, StringComparison.Ordinal);
        Assert.Contains("everything", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("pf_", stdout, StringComparison.Ordinal);
        await using var context = db.NewContext();
        Assert.False(await context.ApiClients.AnyAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Revoking_an_unknown_client_is_refused()
    {
        await using var db = await DbWithKasseAsync("sqlite");
        var (exit, _, stderr) = await RunAsync(db, "clients", "revoke", "nobody");
        Assert.Equal(CliApp.ExitCodes.Refused, exit);
        Assert.StartsWith(ErrorCodes.ClientNotFound + ":", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clients_of_another_Kasse_are_neither_listed_nor_revocable()
    {
        await using var db = await DbWithKasseAsync("sqlite");
        await using (var context = db.NewContext())
        {
            await TestData.CreateKasseAsync(context, TestData.OtherIk);
        }
        Assert.Equal(CliApp.ExitCodes.Ok, (await RunAsync(db, "clients", "create", "--name", "ivr", "--scopes", "machine-auth", "--kasse", TestData.OtherIk)).Exit);

        var (ambiguous, _, ambiguousErr) = await RunAsync(db, "clients", "list");
        Assert.Equal(CliApp.ExitCodes.Refused, ambiguous);
        Assert.StartsWith(ErrorCodes.KasseAmbiguous + ":", ambiguousErr, StringComparison.Ordinal);

        var (_, listed, _) = await RunAsync(db, "clients", "list", "--kasse", TestData.Ik);
        Assert.DoesNotContain("ivr", listed, StringComparison.Ordinal);
        var (exit, _, stderr) = await RunAsync(db, "clients", "revoke", "ivr", "--kasse", TestData.Ik);
        Assert.Equal(CliApp.ExitCodes.Refused, exit);
        Assert.StartsWith(ErrorCodes.ClientNotFound + ":", stderr, StringComparison.Ordinal);
    }
}
