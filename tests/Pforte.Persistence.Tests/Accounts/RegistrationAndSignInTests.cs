using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pforte.Core;
using Pforte.Core.Accounts;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Persistence;
using Pforte.Keys.Pkcs11;
using Pforte.Testing;
using Pforte.Testing.Accounts;

namespace Pforte.Persistence.Tests.Accounts;

/// <summary>Portal accounts in Core (ADR 0015), on both databases: registration through the machine procedure, sign-in, lockout.</summary>
public sealed class RegistrationAndSignInTests
{
    private const string Password = "Lindenblüte im Mai 1987";
    private static readonly AuditContext Context = new(ActorKind.Client, "client:portal-test", Channel: "portal", SourceIp: "203.0.113.7");

    private sealed class Harness : IAsyncDisposable
    {
        public required TestDb TestDb { get; init; }
        public required ServiceProvider Services { get; init; }
        public required FakeTimeProvider Clock { get; init; }
        public Guid KasseId { get; set; }

        public async Task<T> RunAsync<T>(Func<IServiceProvider, Task<T>> action)
        {
            await using var scope = Services.CreateAsyncScope();
            return await action(scope.ServiceProvider);
        }

        public async ValueTask DisposeAsync()
        {
            await Services.DisposeAsync();
            await TestDb.DisposeAsync();
        }
    }

    private static async Task<Harness> StartAsync(string provider)
    {
        var testDb = await TestDb.CreateAsync(provider);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(testDb.Configuration).Build();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var services = new ServiceCollection().AddPforteCore(configuration).AddPkcs11KeyStore(configuration);
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        var harness = new Harness { TestDb = testDb, Services = services.BuildServiceProvider(), Clock = clock };
        await using (var db = testDb.NewContext())
        {
            harness.KasseId = (await TestData.CreateKasseAsync(db, clock: clock)).Id;
        }
        return harness;
    }

    private static async Task<(RegistrationTicket Ticket, string Key)> RegisterAsync(Harness h, CodedPerson person, string userName)
    {
        var ticket = await h.RunAsync(async sp =>
        {
            var register = sp.GetRequiredService<RegisterPortalAccount>();
            var request = register.ParseCodeInput(person.Kvnr, person.PortalCard, person.Code, "203.0.113.7").Value;
            return (await register.VerifyCodeAsync(h.KasseId, request, Context)).Value;
        });
        ticket = await h.RunAsync(async sp => (await sp.GetRequiredService<RegisterPortalAccount>().SetCredentialsAsync(ticket, userName, Password, Password, Context)).Value);
        var setup = await h.RunAsync(async sp => (await sp.GetRequiredService<RegisterPortalAccount>().AuthenticatorAsync(ticket, "Testkasse", Context)).Value);
        var done = await h.RunAsync(sp => sp.GetRequiredService<RegisterPortalAccount>().CompleteWithAuthenticatorAsync(ticket, AccountTestData.TotpCode(setup.Key, h.Clock.GetUtcNow()), Context));
        Assert.True(done.IsSuccess, done.Error?.ToString());
        return (ticket, setup.Key);
    }

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task A_person_registers_with_the_code_and_signs_in_with_password_and_authenticator_recorded_as_a_portal_login(string provider)
    {
        await using var h = await StartAsync(provider);
        var person = await AccountTestData.PersonWithCodeAsync(h.Services, h.KasseId, 1);
        var (_, key) = await RegisterAsync(h, person, "juergen.muessig");

        h.Clock.Advance(TimeSpan.FromSeconds(31)); // the next step: the registration's code is used up
        var accountId = await h.RunAsync(async sp => (await sp.GetRequiredService<SignInPortalAccount>().CheckPasswordAsync(h.KasseId, "Juergen.Muessig", Password, Context)).Value);
        var login = await h.RunAsync(sp => sp.GetRequiredService<SignInPortalAccount>().CompleteWithAuthenticatorAsync(accountId, AccountTestData.TotpCode(key, h.Clock.GetUtcNow()), "Testbrowser", Context));

        Assert.True(login.IsSuccess, login.Error?.ToString());
        Assert.Equal("substantiell", login.Value.Level);
        Assert.Equal(person.PersonId, login.Value.PersonId);
        await using var db = h.TestDb.NewContext();
        var authentication = await db.Authentications.SingleAsync(a => a.Id == login.Value.AuthenticationId, TestContext.Current.CancellationToken);
        Assert.Equal("portal-login", authentication.Method);
        var actions = await db.AuditEntries.Where(e => e.SubjectPersonId == person.PersonId).Select(e => e.Action).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Contains(AuditAction.CodeVerified, actions);
        Assert.Contains(AuditAction.PortalAccountRegistered, actions);
        Assert.Contains(AuditAction.PortalLoginRecorded, actions);
        Assert.True(await h.RunAsync(sp => sp.GetRequiredService<PortalSessions>().ValidateAsync(login.Value.SessionId, accountId)));
    }

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task A_registered_kvnr_gets_the_answer_of_a_wrong_code_and_a_wrong_code_counts(string provider)
    {
        await using var h = await StartAsync(provider);
        var person = await AccountTestData.PersonWithCodeAsync(h.Services, h.KasseId, 2);
        await RegisterAsync(h, person, "erste.person");

        var again = await h.RunAsync(async sp =>
        {
            var register = sp.GetRequiredService<RegisterPortalAccount>();
            return await register.VerifyCodeAsync(h.KasseId, register.ParseCodeInput(person.Kvnr, person.PortalCard, person.Code, "203.0.113.7").Value, Context);
        });
        var wrong = await h.RunAsync(async sp =>
        {
            var register = sp.GetRequiredService<RegisterPortalAccount>();
            return await register.VerifyCodeAsync(h.KasseId, register.ParseCodeInput(person.Kvnr, person.PortalCard, "0000", "203.0.113.7").Value, Context);
        });

        Assert.Equal(ErrorCodes.MachineAuthFailed, again.Error!.Code);
        Assert.Equal(again.Error.ToString(), wrong.Error!.ToString());
        await using var db = h.TestDb.NewContext();
        Assert.Equal(1, (await db.AuthCodes.SingleAsync(c => c.PersonId == person.PersonId, TestContext.Current.CancellationToken)).Failures);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditAction.PortalRegistrationRefused && e.ReasonCode == "account-exists", TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task Three_wrong_codes_lock_the_code_as_on_the_phone(string provider)
    {
        await using var h = await StartAsync(provider);
        var person = await AccountTestData.PersonWithCodeAsync(h.Services, h.KasseId, 3);
        for (var i = 0; i < 3; i++)
        {
            await h.RunAsync(async sp =>
            {
                var register = sp.GetRequiredService<RegisterPortalAccount>();
                return await register.VerifyCodeAsync(h.KasseId, register.ParseCodeInput(person.Kvnr, person.PortalCard, "1111", "203.0.113.7").Value, Context);
            });
        }
        var right = await h.RunAsync(async sp =>
        {
            var register = sp.GetRequiredService<RegisterPortalAccount>();
            return await register.VerifyCodeAsync(h.KasseId, register.ParseCodeInput(person.Kvnr, person.PortalCard, person.Code, "203.0.113.7").Value, Context);
        });
        Assert.Equal(ErrorCodes.MachineAuthFailed, right.Error!.Code);
        await using var db = h.TestDb.NewContext();
        Assert.NotEqual(AuthCodeState.Active, (await db.AuthCodes.SingleAsync(c => c.PersonId == person.PersonId, TestContext.Current.CancellationToken)).State);
    }

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task Weak_passwords_are_refused_with_their_reason_and_nothing_is_stored(string provider)
    {
        await using var h = await StartAsync(provider);
        var person = await AccountTestData.PersonWithCodeAsync(h.Services, h.KasseId, 4);
        var ticket = await h.RunAsync(async sp =>
        {
            var register = sp.GetRequiredService<RegisterPortalAccount>();
            return (await register.VerifyCodeAsync(h.KasseId, register.ParseCodeInput(person.Kvnr, person.PortalCard, person.Code, null).Value, Context)).Value;
        });
        async Task<string?> Try(string user, string password, string? repeat = null) =>
            (await h.RunAsync(sp => sp.GetRequiredService<RegisterPortalAccount>().SetCredentialsAsync(ticket, user, password, repeat ?? password, Context))).Error?.Code;

        Assert.Equal(ErrorCodes.AccountPasswordTooShort, await Try("anna", "kurz12345"));
        Assert.Equal(ErrorCodes.AccountPasswordCommon, await Try("anna", "qwertyuiop"));
        Assert.Equal(ErrorCodes.AccountPasswordCommon, await Try("anna", "Password123"));
        Assert.Equal(ErrorCodes.AccountPasswordContainsName, await Try("anna.lena", "mein anna.lena passwort"));
        Assert.Equal(ErrorCodes.AccountPasswordContainsName, await Try("anna", "x" + person.Kvnr + "x"));
        Assert.Equal(ErrorCodes.AccountPasswordMismatch, await Try("anna", Password, Password + "!"));
        Assert.Equal(ErrorCodes.AccountUserNameInvalid, await Try("a b", Password));
        Assert.True(PasswordPolicy.CommonCount > 10_000);
        await using var db = h.TestDb.NewContext();
        Assert.False(await db.PortalAccounts.AnyAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task Unknown_name_wrong_password_and_locked_account_answer_alike_and_five_failures_lock(string provider)
    {
        await using var h = await StartAsync(provider);
        var person = await AccountTestData.PersonWithCodeAsync(h.Services, h.KasseId, 5);
        var (_, key) = await RegisterAsync(h, person, "lockout.test");
        Task<Result<Guid>> SignIn(string user, string password) => h.RunAsync(sp => sp.GetRequiredService<SignInPortalAccount>().CheckPasswordAsync(h.KasseId, user, password, Context));

        var unknown = await SignIn("niemand.hier", Password);
        var wrongs = new List<Error>();
        for (var i = 0; i < 5; i++)
        {
            wrongs.Add((await SignIn("lockout.test", "falsches Passwort " + i)).Error!);
        }
        var locked = await SignIn("lockout.test", Password);

        Assert.Equal(ErrorCodes.AccountSignInFailed, unknown.Error!.Code);
        Assert.All(wrongs, e => Assert.Equal(unknown.Error.ToString(), e.ToString()));
        Assert.Equal(unknown.Error.ToString(), locked.Error!.ToString());
        h.Clock.Advance(TimeSpan.FromMinutes(16));
        var later = await SignIn("lockout.test", Password);
        Assert.True(later.IsSuccess);
        await using var db = h.TestDb.NewContext();
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditAction.PortalAccountLocked && e.SubjectPersonId == person.PersonId, TestContext.Current.CancellationToken));
        var unknownEntry = await db.AuditEntries.SingleAsync(e => e.Action == AuditAction.PortalSignInFailed && e.ReasonCode == "unknown-user", TestContext.Current.CancellationToken);
        Assert.Null(unknownEntry.SubjectPersonId);
        Assert.DoesNotContain("niemand", unknownEntry.Details ?? "", StringComparison.Ordinal);
        _ = key;
    }

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task An_authenticator_code_is_accepted_once_and_secrets_are_not_stored_in_clear(string provider)
    {
        await using var h = await StartAsync(provider);
        var person = await AccountTestData.PersonWithCodeAsync(h.Services, h.KasseId, 6);
        var (_, key) = await RegisterAsync(h, person, "replay.test");
        h.Clock.Advance(TimeSpan.FromSeconds(31));
        var code = AccountTestData.TotpCode(key, h.Clock.GetUtcNow());
        var accountId = await h.RunAsync(async sp => (await sp.GetRequiredService<SignInPortalAccount>().CheckPasswordAsync(h.KasseId, "replay.test", Password, Context)).Value);
        var first = await h.RunAsync(sp => sp.GetRequiredService<SignInPortalAccount>().CompleteWithAuthenticatorAsync(accountId, code, null, Context));
        var replay = await h.RunAsync(sp => sp.GetRequiredService<SignInPortalAccount>().CompleteWithAuthenticatorAsync(accountId, code, null, Context));

        Assert.True(first.IsSuccess);
        Assert.Equal(ErrorCodes.AccountSecondFactorFailed, replay.Error!.Code);
        await using var db = h.TestDb.NewContext();
        var account = await db.PortalAccounts.SingleAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("AQAAAAIAA", account.PasswordHash, StringComparison.Ordinal); // Identity v3 format, PBKDF2-HMAC-SHA512
        var dump = await DumpAsync(db);
        Assert.DoesNotContain(key, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(person.Code + "\"", dump, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDb.ProvidersAndKeyStores), MemberType = typeof(TestDb))]
    public async Task Demo_accounts_sign_in_with_the_documented_password_and_the_printed_key_which_is_shown_once(string provider)
    {
        await using var h = await StartAsync(provider);
        await AccountTestData.PersonWithCodeAsync(h.Services, h.KasseId, 7);
        await AccountTestData.PersonWithCodeAsync(h.Services, h.KasseId, 8);
        var first = await h.RunAsync(sp => sp.GetRequiredService<SeedDemoAccounts>().ExecuteAsync(h.KasseId, AuditContext.System("test")));
        var again = await h.RunAsync(sp => sp.GetRequiredService<SeedDemoAccounts>().ExecuteAsync(h.KasseId, AuditContext.System("test")));

        Assert.Equal(["demo1", "demo2"], first.Select(a => a.UserName));
        Assert.All(again, a => Assert.Null(a.AuthenticatorKey));
        var accountId = await h.RunAsync(async sp => (await sp.GetRequiredService<SignInPortalAccount>().CheckPasswordAsync(h.KasseId, "demo1", SeedDemoAccounts.Password, Context)).Value);
        var login = await h.RunAsync(sp => sp.GetRequiredService<SignInPortalAccount>().CompleteWithAuthenticatorAsync(accountId, AccountTestData.TotpCode(first[0].AuthenticatorKey!, h.Clock.GetUtcNow()), null, Context));
        Assert.True(login.IsSuccess, login.Error?.ToString());
    }

    /// <summary>Every text column of the account, session, authentication and audit tables.</summary>
    private static async Task<string> DumpAsync(PforteDbContext db)
    {
        var sb = new StringBuilder();
        foreach (var a in await db.PortalAccounts.AsNoTracking().ToListAsync())
        {
            sb.Append(a.UserName).Append(a.PasswordHash).Append(a.SecurityStamp).Append(a.SealedAuthenticatorKey is null ? "" : Encoding.Latin1.GetString(a.SealedAuthenticatorKey));
        }
        foreach (var e in await db.AuditEntries.AsNoTracking().ToListAsync())
        {
            sb.Append(e.Details).Append(e.ReasonCode);
        }
        foreach (var s in await db.PortalSessions.AsNoTracking().ToListAsync())
        {
            sb.Append(s.Factors).Append(s.Device);
        }
        return sb.ToString();
    }
}
