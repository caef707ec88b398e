using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Authentication;
using Pforte.Core.Letters;
using Pforte.Core.Clients;
using Pforte.Core.Insured;

namespace Pforte.Core.Persistence;

/// <summary>The unit of work. No repository is wrapped around it (docs/architecture.md).</summary>
public sealed class PforteDbContext(DbContextOptions<PforteDbContext> options) : DbContext(options)
{
    public DbSet<Kasse> Kassen => Set<Kasse>();

    public DbSet<InsuredPerson> InsuredPersons => Set<InsuredPerson>();

    public DbSet<HealthCard> HealthCards => Set<HealthCard>();

    public DbSet<Representative> Representatives => Set<Representative>();

    public DbSet<ApiClient> ApiClients => Set<ApiClient>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<AuditChainHead> AuditChainHeads => Set<AuditChainHead>();

    public DbSet<AuthCode> AuthCodes => Set<AuthCode>();

    public DbSet<OutboxLetter> Letters => Set<OutboxLetter>();

    public DbSet<PersonAuthentication> Authentications => Set<PersonAuthentication>();

    public DbSet<AlternativeAuthenticationNeed> AlternativeAuthenticationNeeds => Set<AlternativeAuthenticationNeed>();

    public DbSet<Ivr.IvrCall> IvrCalls => Set<Ivr.IvrCall>();

    public DbSet<PhoneQuestionSession> PhoneQuestionSessions => Set<PhoneQuestionSession>();

    public DbSet<PhoneQuestionTries> PhoneQuestionTries => Set<PhoneQuestionTries>();

    public DbSet<SourceFailure> SourceFailures => Set<SourceFailure>();

    public DbSet<SourceBlock> SourceBlocks => Set<SourceBlock>();

    public DbSet<JobRun> JobRuns => Set<JobRun>();

    public DbSet<Accounts.PortalAccount> PortalAccounts => Set<Accounts.PortalAccount>();

    public DbSet<Accounts.PortalSession> PortalSessions => Set<Accounts.PortalSession>();

    public DbSet<Accounts.PortalActivation> PortalActivations => Set<Accounts.PortalActivation>();

    public DbSet<Staff.StaffAccount> StaffAccounts => Set<Staff.StaffAccount>();

    public DbSet<Staff.StaffSession> StaffSessions => Set<Staff.StaffSession>();

    public DbSet<Portal.Branch> Branches => Set<Portal.Branch>();

    public DbSet<Mailbox.MailboxThread> MailboxThreads => Set<Mailbox.MailboxThread>();

    public DbSet<Mailbox.MailboxMessage> MailboxMessages => Set<Mailbox.MailboxMessage>();

    public DbSet<Mailbox.MailboxAttachment> MailboxAttachments => Set<Mailbox.MailboxAttachment>();

    public DbSet<Mailbox.MailboxNote> MailboxNotes => Set<Mailbox.MailboxNote>();

    public DbSet<Mailbox.MailboxTemplate> MailboxTemplates => Set<Mailbox.MailboxTemplate>();

    public DbSet<Mailbox.ElectronicDelivery> ElectronicDeliveries => Set<Mailbox.ElectronicDelivery>();

    public bool IsSqlite => Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>Starts the transaction of a change (see <see cref="WriteTransaction"/>); use instead of Database.BeginTransactionAsync.</summary>
    public Task<WriteTransaction> BeginWriteAsync(CancellationToken cancellationToken = default) => WriteTransaction.BeginAsync(this, cancellationToken);

    /// <summary>The <see cref="WriteTransaction"/> in progress on this context, if it was started with <see cref="BeginWriteAsync"/>.</summary>
    internal WriteTransaction? CurrentWrite { get; set; }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (IsSqlite)
        {
            // SQLite has no timestamp type and EF cannot compare DateTimeOffset stored as text. Instants are stored
            // as UTC DateTime text (sortable, readable with the sqlite3 shell).
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Kasse>(e =>
        {
            e.ToTable("kassen");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Ik).IsUnique();
            e.Property(x => x.Ik).HasMaxLength(9);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.SenderStreet).HasMaxLength(100);
            e.Property(x => x.SenderHouseNumber).HasMaxLength(20);
            e.Property(x => x.SenderPostalCode).HasMaxLength(10);
            e.Property(x => x.SenderCity).HasMaxLength(100);
            e.Property(x => x.BrandColor).HasMaxLength(7);
        });

        modelBuilder.Entity<InsuredPerson>(e =>
        {
            e.ToTable("insured_persons");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.KasseId, x.Kvnr }).IsUnique();
            // The workspace's search by family name and birth date.
            e.HasIndex(x => new { x.KasseId, x.BirthDate });
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Kvnr).HasMaxLength(10);
            e.Property(x => x.MainMemberKvnr).HasMaxLength(10);
            NameAndAddress(e);
            e.Property(x => x.InsuranceKind).HasConversion(new InsuranceKindConverter()).HasMaxLength(10);
            e.HasMany(x => x.Cards).WithOne().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<HealthCard>(e =>
        {
            e.ToTable("health_cards");
            e.HasKey(x => x.Id);
            e.Property(x => x.CardNumber).HasMaxLength(20);
            // A card number identifies one card of one person, forever.
            e.HasIndex(x => x.CardNumber).IsUnique();
            // At most one current card per person, enforced by the database even under concurrent writers.
            e.HasIndex(x => x.PersonId).IsUnique().HasFilter(IsSqlite ? "ended_at IS NULL" : "\"ended_at\" IS NULL")
                .HasDatabaseName("ix_health_cards_current");
            e.HasIndex(x => new { x.PersonId, x.RecordedAt }).HasDatabaseName("ix_health_cards_history");
        });

        modelBuilder.Entity<Representative>(e =>
        {
            e.ToTable("representatives");
            e.HasKey(x => x.Id);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<InsuredPerson>().WithMany().HasForeignKey(x => x.RepresentedPersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<InsuredPerson>().WithMany().HasForeignKey(x => x.RepresentativePersonId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(x => x.RepresentedPersonId);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(30);
            e.Property(x => x.FamilyName).HasMaxLength(InsuredLimits.Name);
            e.Property(x => x.GivenName).HasMaxLength(InsuredLimits.Name);
            e.Property(x => x.Scope).HasMaxLength(500);
            e.Property(x => x.ProofReference).HasMaxLength(200);
        });

        modelBuilder.Entity<ApiClient>(e =>
        {
            e.ToTable("api_clients");
            e.HasKey(x => x.Id);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.KeyId).IsUnique();
            e.HasIndex(x => new { x.KasseId, x.Name }).IsUnique();
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.KeyId).HasMaxLength(16);
            e.Property(x => x.KeyHash).HasMaxLength(32);
            e.Property(x => x.Scopes).HasMaxLength(500);
        });

        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.HasIndex(x => new { x.KasseId, x.Chain, x.Seq }).IsUnique();
            e.HasIndex(x => new { x.KasseId, x.SubjectPersonId, x.Seq });
            e.HasIndex(x => new { x.KasseId, x.OccurredAt });
            // The auditor's search and the failure chart (docs/decisions/0026): one index per filter, ordered like the result;
            // the last one also finds the latest entry of one kind (the operations monitor's last chain verification).
            e.HasIndex(x => new { x.KasseId, x.SubjectKvnr, x.OccurredAt, x.Id });
            e.HasIndex(x => new { x.KasseId, x.ActorId, x.OccurredAt, x.Id });
            e.HasIndex(x => new { x.KasseId, x.Action, x.OccurredAt, x.Id });
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.ActorKind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.ActorId).HasMaxLength(100);
            e.Property(x => x.SubjectKvnr).HasMaxLength(10);
            e.Property(x => x.Channel).HasMaxLength(32);
            e.Property(x => x.ReasonCode).HasMaxLength(32);
            e.Property(x => x.SourceIp).HasMaxLength(64);
            e.Property(x => x.SourceCallerId).HasMaxLength(64);
            e.Property(x => x.SourceCallId).HasMaxLength(128);
            e.Property(x => x.CorrelationId).HasMaxLength(128);
            e.Property(x => x.Details).HasMaxLength(4000);
            e.Property(x => x.PrevHash).HasMaxLength(32);
            e.Property(x => x.Hash).HasMaxLength(32);
        });

        modelBuilder.Entity<AuditChainHead>(e =>
        {
            e.ToTable("audit_chain_heads");
            e.HasKey(x => new { x.KasseId, x.Chain });
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.LastHash).HasMaxLength(32);
            e.Property(x => x.AnchorHash).HasMaxLength(32);
        });

        modelBuilder.Entity<AuthCode>(e =>
        {
            e.ToTable("auth_codes");
            e.HasKey(x => x.PersonId);
            e.HasOne<InsuredPerson>().WithOne().HasForeignKey<AuthCode>(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.CodeHash).HasMaxLength(32);
            e.Property(x => x.Reason).HasMaxLength(40);
            e.HasIndex(x => new { x.KasseId, x.State });
        });

        modelBuilder.Entity<OutboxLetter>(e =>
        {
            e.ToTable("letters");
            e.HasKey(x => x.Id);
            e.HasOne<InsuredPerson>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.Kvnr).HasMaxLength(10);
            NameAndAddress(e);
            e.Property(x => x.SealedCode).HasMaxLength(64);
            e.HasIndex(x => new { x.PersonId, x.QueuedAt });
            // The export's work list: letters not yet handed over, oldest first.
            e.HasIndex(x => new { x.ExportedAt, x.Kind, x.QueuedAt });
            e.HasIndex(x => x.BatchId);
        });

        modelBuilder.Entity<PersonAuthentication>(e =>
        {
            e.ToTable("authentications");
            e.HasKey(x => x.Id);
            e.HasOne<InsuredPerson>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Method).HasMaxLength(32);
            e.Property(x => x.Level).HasMaxLength(16);
            e.Property(x => x.Channel).HasMaxLength(32);
            e.Property(x => x.StaffId).HasMaxLength(64);
            e.HasOne<Representative>().WithMany().HasForeignKey(x => x.RepresentativeId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.PersonId, x.CreatedAt });
            e.Property(x => x.CallId).HasMaxLength(128);
            // The staff workspace's screen pop: the call an agent takes, by its id.
            e.HasIndex(x => new { x.KasseId, x.CallId });
        });

        modelBuilder.Entity<Workspace.CodeReissueRequest>(e =>
        {
            e.ToTable("code_reissue_requests");
            e.HasKey(x => x.Id);
            e.HasOne<InsuredPerson>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Reason).HasMaxLength(ReissueAuthCode.MaxReasonLength);
            e.Property(x => x.RequestedBy).HasMaxLength(Workspace.CodeReissueRequest.StaffIdLength);
            e.Property(x => x.DecidedBy).HasMaxLength(Workspace.CodeReissueRequest.StaffIdLength);
            e.Property(x => x.State).HasMaxLength(16);
            // The supervisor's list (pending of a Kasse) and the caller card's "waiting for approval" (per person).
            e.HasIndex(x => new { x.KasseId, x.State, x.RequestedAt });
            e.HasIndex(x => new { x.PersonId, x.State });
            // At most one pending request per person (four eyes), enforced by the database even under concurrent agents.
            e.HasIndex(x => x.PersonId).IsUnique().HasFilter(IsSqlite ? "state = 'pending'" : "\"state\" = 'pending'")
                .HasDatabaseName("ix_code_reissue_requests_pending");
        });

        modelBuilder.Entity<AlternativeAuthenticationNeed>(e =>
        {
            e.ToTable("alternative_authentication_needs");
            e.HasKey(x => x.PersonId);
            e.HasOne<InsuredPerson>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.SetBy).HasMaxLength(AlternativeAuthentication.SetByLength);
        });

        modelBuilder.Entity<Ivr.IvrCall>(e =>
        {
            // The phone dialogue's calls (ADR 0027): one row per (Kasse, call id), changed with optimistic concurrency.
            e.ToTable("ivr_calls");
            e.HasKey(x => new { x.KasseId, x.CallId });
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.CallId).HasMaxLength(Ivr.IvrCall.CallIdLength);
            e.Property(x => x.CallerId).HasMaxLength(Ivr.IvrCall.NumberLength);
            e.Property(x => x.DialledNumber).HasMaxLength(Ivr.IvrCall.NumberLength);
            e.Property(x => x.Kvnr).HasMaxLength(10);
            e.Property(x => x.CardDigits).HasMaxLength(20);
            e.Property(x => x.HandoverReason).HasMaxLength(Ivr.IvrCall.ReasonLength);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Step).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => x.ExpiresAt);
        });

        modelBuilder.Entity<PhoneQuestionSession>(e =>
        {
            e.ToTable("phone_question_sessions");
            e.HasKey(x => x.Id);
            e.HasOne<InsuredPerson>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Questions).HasMaxLength(200);
            e.Property(x => x.StaffId).HasMaxLength(64);
            e.HasIndex(x => new { x.PersonId, x.CreatedAt });
        });

        modelBuilder.Entity<PhoneQuestionTries>(e =>
        {
            // One row per person and Berlin day; counted with one atomic upsert shared by every agent and process.
            e.ToTable("phone_question_tries");
            e.HasKey(x => new { x.PersonId, x.Day });
            e.HasOne<InsuredPerson>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SourceFailure>(e =>
        {
            e.ToTable("source_failures");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.Property(x => x.SourceKey).HasMaxLength(140);
            e.Property(x => x.SubjectKvnr).HasMaxLength(10);
            e.HasIndex(x => new { x.SourceKey, x.At });
            e.HasIndex(x => x.At);
        });

        modelBuilder.Entity<SourceBlock>(e =>
        {
            e.ToTable("source_blocks");
            e.HasKey(x => x.SourceKey);
            e.Property(x => x.SourceKey).HasMaxLength(140);
        });

        SelfServiceModel(modelBuilder);

        modelBuilder.Entity<JobRun>(e =>
        {
            e.ToTable("job_runs");
            e.HasKey(x => new { x.Job, x.Day });
            e.Property(x => x.Job).HasMaxLength(64);
            e.Property(x => x.RunBy).HasMaxLength(200);
        });

        Accounts.PortalAccountModel.Configure(modelBuilder);
        Staff.StaffModel.Configure(modelBuilder);
        Mailbox.MailboxModel.Configure(modelBuilder, IsSqlite);

        modelBuilder.Entity<Portal.Branch>(e =>
        {
            e.ToTable("branches");
            e.HasKey(x => x.Id);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.KasseId, x.Name }).IsUnique();
            e.HasIndex(x => new { x.KasseId, x.PostalCode });
            e.Property(x => x.Name).HasMaxLength(Portal.BranchLimits.Name);
            e.Property(x => x.Street).HasMaxLength(InsuredLimits.Street);
            e.Property(x => x.HouseNumber).HasMaxLength(InsuredLimits.HouseNumber);
            e.Property(x => x.PostalCode).HasMaxLength(InsuredLimits.PostalCode);
            e.Property(x => x.City).HasMaxLength(InsuredLimits.City);
            e.Property(x => x.OpeningHours).HasMaxLength(Portal.BranchLimits.HoursColumn);
            e.Ignore(x => x.OpeningHourLines);
        });

        ApplySnakeCase(modelBuilder);
    }

    /// <summary>The portal's self-service (ADR 0016): moves reported ahead, bank details, the contact e-mail and its opt-in.</summary>
    private static void SelfServiceModel(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SelfService.ScheduledAddressChange>(e =>
        {
            e.ToTable("scheduled_address_changes");
            e.HasKey(x => x.Id);
            e.HasOne<InsuredPerson>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            // One move waiting per person: a new report replaces it.
            e.HasIndex(x => x.PersonId).IsUnique();
            e.HasIndex(x => x.EffectiveOn);
            NameAndAddressFields(e);
        });

        modelBuilder.Entity<SelfService.BankAccount>(e =>
        {
            e.ToTable("bank_accounts");
            e.HasKey(x => x.PersonId);
            e.HasOne<InsuredPerson>().WithOne().HasForeignKey<SelfService.BankAccount>(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Iban).HasMaxLength(34);
            e.Property(x => x.AccountHolder).HasMaxLength(SelfService.ChangeBankDetails.MaxHolderLength);
        });

        modelBuilder.Entity<SelfService.ContactEmail>(e =>
        {
            e.ToTable("contact_emails");
            e.HasKey(x => x.PersonId);
            e.HasOne<InsuredPerson>().WithOne().HasForeignKey<SelfService.ContactEmail>(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Address).HasMaxLength(SelfService.RequestContactEmail.MaxAddressLength);
        });

        modelBuilder.Entity<ContactForm.ContactRequest>(e =>
        {
            e.ToTable("contact_requests");
            e.HasKey(x => x.Id);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.ReceiptNumber).HasMaxLength(20);
            e.HasIndex(x => x.ReceiptNumber).IsUnique();
            e.Property(x => x.Topic).HasMaxLength(64);
            e.Property(x => x.WrappedKey).HasMaxLength(Mailbox.ContentCipher.WrappedKeySize);
            e.HasIndex(x => new { x.KasseId, x.CreatedAt });
            e.HasIndex(x => x.StatusAt);
            e.HasMany(x => x.Attachments).WithOne().HasForeignKey(a => a.RequestId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ContactForm.ContactAttachment>(e =>
        {
            e.ToTable("contact_attachments");
            e.HasKey(x => x.Id);
            e.Property(x => x.ContentType).HasMaxLength(100);
            e.HasIndex(x => x.RequestId);
        });

        modelBuilder.Entity<Notices.MailboxNotice>(e =>
        {
            e.ToTable("mailbox_notices");
            e.HasKey(x => x.Id);
            e.HasOne<InsuredPerson>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.LeasedBy).HasMaxLength(200);
            e.Property(x => x.LastErrorCode).HasMaxLength(20);
            e.HasIndex(x => new { x.SentAt, x.GivenUpAt, x.NextAttemptAt });
            e.HasIndex(x => x.PersonId);
        });

        modelBuilder.Entity<SelfService.EmailConfirmation>(e =>
        {
            e.ToTable("email_confirmations");
            e.HasKey(x => x.Id);
            e.HasOne<InsuredPerson>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Address).HasMaxLength(SelfService.RequestContactEmail.MaxAddressLength);
            e.Property(x => x.TokenHash).HasMaxLength(32);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.HasIndex(x => x.PersonId);
        });
    }

    private static void NameAndAddressFields(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder e)
    {
        e.Property<string>(nameof(InsuredPerson.Street)).HasMaxLength(InsuredLimits.Street);
        e.Property<string>(nameof(InsuredPerson.HouseNumber)).HasMaxLength(InsuredLimits.HouseNumber);
        e.Property<string>(nameof(InsuredPerson.PostalCode)).HasMaxLength(InsuredLimits.PostalCode);
        e.Property<string>(nameof(InsuredPerson.City)).HasMaxLength(InsuredLimits.City);
        e.Property<string>(nameof(InsuredPerson.Country)).HasMaxLength(2);
    }

    /// <summary>Persons and the address copies on letters share the same field limits (InsuredLimits).</summary>
    private static void NameAndAddress(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder e)
    {
        e.Property<string>(nameof(InsuredPerson.FamilyName)).HasMaxLength(InsuredLimits.Name);
        e.Property<string>(nameof(InsuredPerson.GivenName)).HasMaxLength(InsuredLimits.Name);
        e.Property<string>(nameof(InsuredPerson.Street)).HasMaxLength(InsuredLimits.Street);
        e.Property<string>(nameof(InsuredPerson.HouseNumber)).HasMaxLength(InsuredLimits.HouseNumber);
        e.Property<string>(nameof(InsuredPerson.PostalCode)).HasMaxLength(InsuredLimits.PostalCode);
        e.Property<string>(nameof(InsuredPerson.City)).HasMaxLength(InsuredLimits.City);
        e.Property<string>(nameof(InsuredPerson.Country)).HasMaxLength(2);
    }

    /// <summary>snake_case columns so that operators can write SQL against PostgreSQL without quoting.</summary>
    private static void ApplySnakeCase(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            if (entity.IsMappedToJson())
            {
                continue; // properties of a JSON column have JSON names, not columns (Identity's passkey data)
            }
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(ToSnakeCase(property.Name));
            }
        }
    }

    internal static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && !char.IsUpper(name[i - 1]))
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTime>(
        v => v.UtcDateTime,
        v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));

    private sealed class InsuranceKindConverter() : ValueConverter<InsuranceKind, string>(
        v => v == InsuranceKind.Family ? "family" : "member",
        v => v == "family" ? InsuranceKind.Family : InsuranceKind.Member);
}
