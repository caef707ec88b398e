using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common.Keys;
using Pforte.Core.Letters;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core;

public static class PforteCoreServices
{
    /// <summary>
    /// Registers the database and the use cases. Shared by the web host and the CLI so both read the same
    /// configuration keys and therefore use the same database. Options are read when first needed (not while
    /// registering), so every configuration source — including a test host's — is seen; a bad setting stops the
    /// start with its error code and sentence (ValidateOnStart).
    /// </summary>
    public static IServiceCollection AddPforteCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section))
            .Configure(o => o.DataDirectory = configuration[DataDirectory.Key]).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        services.AddDbContextPool<PforteDbContext>((sp, b) =>
        {
            var resolved = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Resolve().Value;
            DatabaseSetup.Configure(b, resolved.Provider, resolved.ConnectionString);
        });
        services.AddSingleton(TimeProvider.System);
        AddMachineProcedure(services, configuration);
        AddDisclosure(services, configuration);
        services.AddScoped<VerifyAuditChain>();
        services.AddScoped<PruneAudit>();
        services.AddScoped<ReadAuditEntries>();
        services.AddScoped<VerifyOwnAuditChain>();
        services.AddScoped<SearchAuditTrail>();
        services.AddScoped<ExportAuditTrail>();
        services.AddScoped<ReadAuditAlarms>();
        services.AddScoped<Demo.SeedDemoData>();
        services.AddScoped<AuditLog>();
        services.AddSingleton<AuditChainTips>();
        services.AddScoped<CreateKasse>();
        services.AddScoped<KasseBranding>();
        services.AddScoped<RecordRepresentative>();
        services.AddScoped<CreateApiClient>();
        services.AddScoped<AuthenticateApiKey>();
        services.AddSingleton<ApiKeyCache>();
        services.AddScoped<RevokeApiClient>();
        services.AddScoped<ListApiClients>();
        services.AddSingleton<Insured.Import.InsuredValidator>();
        services.AddScoped<Insured.Import.UpsertInsured>();
        services.AddScoped<Insured.Import.ImportInsured>();
        AddPortalAccounts(services, configuration);
        AddStaff(services, configuration);
        AddSelfService(services, configuration);
        AddMailbox(services, configuration);
        AddMailboxAttachments(services, configuration);
        return services;
    }

    private static void AddMachineProcedure(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthCodeOptions>().Bind(configuration.GetSection(AuthCodeOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthCodeOptions>, AuthCodeOptionsValidator>();
        services.AddOptions<ThrottleOptions>().Bind(configuration.GetSection(ThrottleOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ThrottleOptions>, ThrottleOptionsValidator>();
        services.AddOptions<KeyOptions>().Bind(configuration.GetSection(KeyOptions.Section));
        services.AddSingleton<IKeyStore>(sp =>
        {
            var provider = sp.GetRequiredService<IOptions<KeyOptions>>().Value.Provider;
            if (!string.Equals(provider, KeyOptions.FileProvider, StringComparison.OrdinalIgnoreCase))
            {
                // "Pkcs11" is registered by Pforte.Keys.Pkcs11 (AddPkcs11KeyStore), which replaces this factory.
                throw new KeyStoreException(new Error(ErrorCodes.KeyProviderUnknown, provider));
            }
            // Like the database: a relative path is taken from the data directory, never from the working directory.
            var path = DataDirectory.PathFor(sp.GetRequiredService<IOptions<KeyOptions>>().Value.Path, configuration[DataDirectory.Key]);
            if (!path.TryGetValue(out var file, out var error))
            {
                throw new OptionsValidationException(KeyOptions.Section, typeof(KeyOptions), [$"{error.Code}: {error.Message}"]);
            }
            DataDirectory.CreateOwnerOnly(Path.GetDirectoryName(file)!);
            return new FileKeyRing(file, sp.GetRequiredService<TimeProvider>());
        });
        services.AddMetrics();
        services.AddSingleton<AuthCodeMetrics>();
        services.AddSingleton<Common.OperationsGauges>();
        services.AddScoped<Common.OperationsMonitor>();
        services.AddScoped<Persistence.DatabaseBackup>();
        services.AddOptions<Persistence.BackupOptions>().Bind(configuration.GetSection(Persistence.BackupOptions.Section));
        services.AddSingleton<CodeHasher>();
        services.AddSingleton<CodeSealer>();
        services.AddSingleton<CodeGenerator>();
        services.AddScoped<LetterOutbox>();
        services.AddScoped<LetterHandOver>();
        services.AddScoped<ExportLetters>();
        services.AddScoped(sp => new RenderLetterSample(sp.GetRequiredService<ILetterRenderer>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<PforteDbContext>(), sp.GetRequiredService<AuditLog>()));
        services.AddScoped<MarkLetterReturned>();
        services.AddScoped<ReissueLostBatch>();
        services.AddScoped<ListPersonLetters>();
        services.AddScoped<ReadLetterStatus>();
        services.AddScoped<CodeIssuer>();
        services.AddScoped<CodeLockout>();
        services.AddScoped<SourceThrottle>();
        services.AddScoped<VerifyAuthCode>();
        services.AddSingleton<VerificationQueue>();
        services.AddSingleton<Audit.AuditQueue>();
        services.AddScoped<ChangeAuthCode>();
        services.AddScoped<ReissueAuthCode>();
        services.AddScoped<IssueDueCodes>();
        services.AddScoped<GetCodeStatus>();
        services.AddScoped<JobLease>();
        services.AddScoped<FailureRateMonitor>();
        services.AddOptions<LetterExportOptions>().Bind(configuration.GetSection(LetterExportOptions.Section));
        services.AddScoped<ScheduledLetterExport>();
        services.AddScoped<Portal.ManageBranches>();
        services.AddScoped<Authentication.AlternativeAuthentication>();
        services.AddOptions<Ivr.IvrOptions>().Bind(configuration.GetSection(Ivr.IvrOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Ivr.IvrOptions>, Ivr.IvrOptionsValidator>();
        services.AddScoped<Ivr.IvrDialogue>();
        services.AddScoped<Portal.FindBranches>();
        services.AddScoped<Portal.ReadSecurityHistory>();
        services.AddScoped<Portal.PortalLetters>();
        services.AddScoped<Portal.PortalRepresentation>();
        services.AddScoped<Portal.ReadOverview>();
        services.AddScoped<Workspace.PersonSearch>();
        services.AddScoped<Workspace.ReadCallerCard>();
        services.AddScoped<Workspace.CallPop>();
        services.AddScoped<Workspace.CodeReissueRequests>();
        services.AddScoped<Workspace.CounterAddressChange>();
    }

    /// <summary>The portal's self-service use cases (ADR 0016). The portal replaces <see cref="SelfService.IMailSender"/> when SMTP is configured.</summary>
    private static void AddSelfService(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SelfService.SelfServiceOptions>().Bind(configuration.GetSection(SelfService.SelfServiceOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SelfService.SelfServiceOptions>, SelfService.SelfServiceOptionsValidator>();
        services.TryAddSingleton<SelfService.IMailSender, SelfService.NoMailSender>();
        services.AddScoped<SelfService.OrderNewCode>();
        services.AddScoped<SelfService.PortalCodeChange>();
        services.AddScoped<SelfService.ChangeAddress>();
        services.AddScoped<SelfService.ApplyDueAddressChanges>();
        services.AddScoped<SelfService.ChangeBankDetails>();
        services.AddScoped<SelfService.RequestContactEmail>();
        services.AddScoped<SelfService.ConfirmContactEmail>();
        services.AddScoped<SelfService.GetMyData>();
        services.AddOptions<Notices.NoticeOptions>().Bind(configuration.GetSection(Notices.NoticeOptions.Section))
            .Configure(o => o.PortalUrl ??= configuration["Pforte:Portal:PublicBaseUrl"]);
        services.AddScoped<Notices.MailboxNotices>();
        services.AddScoped<Notices.SendMailboxNotices>();
        services.AddOptions<ContactForm.ContactFormOptions>().Bind(configuration.GetSection(ContactForm.ContactFormOptions.Section));
        services.AddScoped<ContactForm.SubmitContactRequest>();
        services.AddScoped<ContactForm.StaffContactRequests>();
        services.AddScoped<ContactForm.MatchContactRequestByDetails>();
    }

    /// <summary>The secure mailbox (issue 13, ADR 0019): content encrypted at rest, person and staff use cases.</summary>
    private static void AddMailbox(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Mailbox.MailboxOptions>().Bind(configuration.GetSection(Mailbox.MailboxOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Mailbox.MailboxOptions>, Mailbox.MailboxOptionsValidator>();
        services.AddSingleton<Mailbox.ContentCipher>();
        services.AddScoped<Mailbox.MailboxContent>();
        services.AddScoped<Mailbox.PersonMailbox>();
        services.AddScoped<Mailbox.StaffMailbox>();
        services.AddScoped<Mailbox.MailboxDocuments>();
        services.AddScoped<Mailbox.MailboxMaintenance>();
    }

    /// <summary>
    /// The attachment inspector (ADR 0020). Its PDF parser check (<see cref="Mailbox.Attachments.IPdfStructureCheck"/>)
    /// is registered by the project that knows the PDF library (<c>AddPdfLetters</c>); the raw scan runs either way.
    /// </summary>
    private static void AddMailboxAttachments(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Mailbox.Attachments.AttachmentLimits>().Bind(configuration.GetSection(Mailbox.Attachments.AttachmentLimits.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Mailbox.Attachments.AttachmentLimits>, Mailbox.Attachments.AttachmentLimitsValidator>();
        services.AddSingleton<Mailbox.Attachments.AttachmentInspector>();
    }

    /// <summary>Staff accounts of the workspace (ADR 0023): Identity's user model on PforteDbContext, sign-in, sessions.</summary>
    private static void AddStaff(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Staff.StaffOptions>().Bind(configuration.GetSection(Staff.StaffOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Staff.StaffOptions>, Staff.StaffOptionsValidator>();
        services.AddSingleton<Microsoft.AspNetCore.Identity.IPasswordHasher<Staff.StaffAccount>, Microsoft.AspNetCore.Identity.PasswordHasher<Staff.StaffAccount>>();
        services.AddIdentityCore<Staff.StaffAccount>(o =>
        {
            o.Stores.SchemaVersion = Microsoft.AspNetCore.Identity.IdentitySchemaVersions.Version3;
        });
        services.AddScoped<Microsoft.AspNetCore.Identity.IUserStore<Staff.StaffAccount>, Staff.StaffAccountStore>();
        services.AddScoped<Staff.StaffAccounts>();
        services.AddScoped<Staff.SignInStaff>();
        services.AddScoped<Staff.StaffSessions>();
        services.AddScoped<Staff.StaffProvisioning>();
    }

    /// <summary>Portal accounts (ADR 0015): Identity's user model and hasher on PforteDbContext, sign-in, sessions.</summary>
    private static void AddPortalAccounts(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Accounts.PortalAccountOptions>().Bind(configuration.GetSection(Accounts.PortalAccountOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Accounts.PortalAccountOptions>, Accounts.PortalAccountOptionsValidator>();
        services.AddOptions<Microsoft.AspNetCore.Identity.PasswordHasherOptions>().Configure<IOptions<Accounts.PortalAccountOptions>>((o, accounts) =>
        {
            o.CompatibilityMode = Microsoft.AspNetCore.Identity.PasswordHasherCompatibilityMode.IdentityV3;
            o.IterationCount = accounts.Value.PasswordIterations;
        });
        services.AddSingleton<Microsoft.AspNetCore.Identity.IPasswordHasher<Accounts.PortalAccount>, Microsoft.AspNetCore.Identity.PasswordHasher<Accounts.PortalAccount>>();
        // UserManager over our own store, for Identity's passkey handler (the portal runs the WebAuthn ceremonies).
        services.AddIdentityCore<Accounts.PortalAccount>(o =>
        {
            o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyz0123456789._@-";
            o.Stores.SchemaVersion = Microsoft.AspNetCore.Identity.IdentitySchemaVersions.Version3;
        });
        services.AddScoped<Microsoft.AspNetCore.Identity.IUserStore<Accounts.PortalAccount>, Accounts.PortalAccountStore>();
        services.AddScoped<Accounts.PortalPasskeys>();
        services.AddScoped<Accounts.SeedDemoAccounts>();
        services.AddScoped<Staff.SeedDemoStaff>();
        services.AddScoped<Accounts.PortalActivationLetters>();
        services.AddSingleton<Accounts.SecretSealer>();
        services.AddScoped<Accounts.PortalClient>();
        services.AddScoped<Accounts.RegisterPortalAccount>();
        services.AddScoped<Accounts.SignInPortalAccount>();
        services.AddScoped<Accounts.PortalSessions>();
    }

    private static void AddDisclosure(IServiceCollection services, IConfiguration configuration)
    {
        // Channels and request kinds live in two sections of their own (Pforte:Channels, Pforte:RequestKinds).
        services.AddOptions<Disclosure.DisclosureOptions>().Configure(o =>
        {
            configuration.GetSection(Disclosure.DisclosureOptions.ChannelsSection).Bind(o.Channels);
            configuration.GetSection(Disclosure.DisclosureOptions.RequestKindsSection).Bind(o.RequestKinds);
        }).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Disclosure.DisclosureOptions>, Disclosure.DisclosurePolicyValidator>();
        services.AddSingleton<Disclosure.MethodReach>();
        services.AddSingleton<Disclosure.DisclosurePolicy>();
        services.AddOptions<Authentication.PhoneQuestionOptions>().Bind(configuration.GetSection(Authentication.PhoneQuestionOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Authentication.PhoneQuestionOptions>, Authentication.PhoneQuestionOptionsValidator>();
        services.AddOptions<Authentication.WrittenAuthenticationOptions>().Bind(configuration.GetSection(Authentication.WrittenAuthenticationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Authentication.WrittenAuthenticationOptions>, Authentication.WrittenAuthenticationOptionsValidator>();
        services.AddOptions<Authentication.PortalLoginOptions>().Bind(configuration.GetSection(Authentication.PortalLoginOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Authentication.PortalLoginOptions>, Authentication.PortalLoginOptionsValidator>();
        services.AddScoped<Authentication.PhoneQuestionRounds>();
        services.AddScoped<Authentication.RecordAuthentication>();
        services.AddScoped<Disclosure.DecideDisclosure>();
        services.AddScoped<Disclosure.OutboundGuard>();
    }

    private sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
    {
        public ValidateOptionsResult Validate(string? name, DatabaseOptions options) =>
            options.Resolve().TryGetValue(out _, out var error)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{error.Code}: {error.Message}");
    }
}
