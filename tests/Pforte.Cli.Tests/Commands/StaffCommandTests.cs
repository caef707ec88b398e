using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Testing;

namespace Pforte.Cli.Tests.Commands;

/// <summary><c>pforte staff create|list|roles|disable</c>: German output, codes on refusals, audited, no password stored in clear.</summary>
public sealed class StaffCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int Exit, string Out, string Err)> RunAsync(TestDb testDb, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, overrides: testDb.Configuration, cancellationToken: Ct);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [MemberData(nameof(TestDb.Providers), MemberType = typeof(TestDb))]
    public async Task Create_shows_the_initial_password_once_then_list_roles_and_disable(string provider)
    {
        await using var testDb = await TestDb.CreateAsync(provider);
        await using (var db = testDb.NewContext())
        {
            await TestData.CreateKasseAsync(db);
        }
        var created = await RunAsync(testDb, "staff", "create", "--user", "erika.admin", "--name", "Erika Mustermann", "--roles", "admin,agent");
        Assert.Equal((0, ""), (created.Exit, created.Err));
        Assert.Contains("Mitarbeiterkonto „erika.admin“ für Kasse", created.Out, StringComparison.Ordinal);
        var password = System.Text.RegularExpressions.Regex.Match(created.Out, "Startpasswort: (\\S+)").Groups[1].Value;
        Assert.Matches("^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$", password);

        var list = await RunAsync(testDb, "staff", "list");
        Assert.Equal(0, list.Exit);
        Assert.Contains("erika.admin\tErika Mustermann\tagent,admin\twartet auf Authenticator-App\tnoch nie", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(password, list.Out, StringComparison.Ordinal);

        var second = await RunAsync(testDb, "staff", "create", "--user", "max.telefon", "--name", "Max", "--roles", "agent");
        Assert.Equal(0, second.Exit);
        var roles = await RunAsync(testDb, "staff", "roles", "max.telefon", "--roles", "agent,supervisor");
        Assert.Equal(0, roles.Exit);
        Assert.Contains("agent,supervisor", roles.Out, StringComparison.Ordinal);

        var disabled = await RunAsync(testDb, "staff", "disable", "max.telefon");
        Assert.Equal(0, disabled.Exit);
        Assert.Contains("ist deaktiviert", disabled.Out, StringComparison.Ordinal);
        var again = await RunAsync(testDb, "staff", "disable", "max.telefon");
        Assert.Equal(1, again.Exit);
        Assert.Contains("PF-STAFF-012", again.Err, StringComparison.Ordinal);

        // The last admin keeps the role and cannot be disabled.
        var last = await RunAsync(testDb, "staff", "disable", "erika.admin");
        Assert.Contains("PF-STAFF-013", last.Err, StringComparison.Ordinal);

        await using var check = testDb.NewContext();
        var audit = await check.AuditEntries.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(2, audit.Count(e => e.Action == AuditAction.StaffAccountCreated));
        Assert.Contains(audit, e => e.Action == AuditAction.StaffRolesChanged && e.ActorKind == ActorKind.Operator);
        Assert.Contains(audit, e => e.Action == AuditAction.StaffAccountDisabled);
        Assert.DoesNotContain(audit, e => (e.Details ?? "").Contains(password, StringComparison.Ordinal));
        var hash = await check.StaffAccounts.AsNoTracking().Where(a => a.UserName == "erika.admin").Select(a => a.PasswordHash).SingleAsync(Ct);
        Assert.DoesNotContain(password, hash!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_its_code_and_changes_nothing()
    {
        await using var testDb = await TestDb.CreateAsync("sqlite");
        await using (var db = testDb.NewContext())
        {
            await TestData.CreateKasseAsync(db);
        }
        var role = await RunAsync(testDb, "staff", "create", "--user", "x.y", "--name", "X", "--roles", "agent,chef");
        Assert.Equal(1, role.Exit);
        Assert.Contains("PF-STAFF-008", role.Err, StringComparison.Ordinal);
        Assert.Contains("„chef“", role.Err, StringComparison.Ordinal);
        var name = await RunAsync(testDb, "staff", "create", "--user", "a b", "--name", "X", "--roles", "agent");
        Assert.Contains("PF-STAFF-005", name.Err, StringComparison.Ordinal);
        var unknown = await RunAsync(testDb, "staff", "disable", "niemand");
        Assert.Contains("PF-STAFF-010", unknown.Err, StringComparison.Ordinal);
        await using var check = testDb.NewContext();
        Assert.Equal(0, await check.StaffAccounts.CountAsync(Ct));
    }
}
