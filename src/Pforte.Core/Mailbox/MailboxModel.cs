using Microsoft.EntityFrameworkCore;
using Pforte.Core.Insured;

namespace Pforte.Core.Mailbox;

/// <summary>Who wrote a message.</summary>
public enum MessageSender
{
    Person = 1,
    Representative = 2,
    Staff = 3,
    /// <summary>The Kasse's systems: a delivered document (elektronische Zustellung).</summary>
    System = 4,
}

/// <summary>
/// A conversation (Vorgang) between a person and their Kasse on one topic (a request kind, which is also the team).
/// Its subject is stored encrypted under the thread's own data key (<see cref="WrappedKey"/>). The list columns
/// (count, last message, flags) are kept on the thread so an inbox page is one index range read.
/// </summary>
public sealed class MailboxThread
{
    public Guid Id { get; set; }
    public Guid KasseId { get; set; }
    public Guid PersonId { get; set; }
    public string Topic { get; set; } = "";
    public ThreadStatus Status { get; set; }

    /// <summary>New or in progress: waiting for the Kasse (the team inbox's default view).</summary>
    public bool Open { get; set; }
    public string? AssignedStaffId { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastMessageAt { get; set; }
    public bool ArchivedByPerson { get; set; }
    public bool UnreadByPerson { get; set; }
    public bool UnreadByKasse { get; set; }
    public bool IsDocument { get; set; }
    public int MessageCount { get; set; }
    public bool HasAttachments { get; set; }
    public bool LastFromKasse { get; set; }
    public byte[] SubjectCipher { get; set; } = [];
    public byte[] WrappedKey { get; set; } = [];
    public int KeyVersion { get; set; }
}

/// <summary>A message of a thread; its body (and its attachments) are encrypted under the message's own data key.</summary>
public sealed class MailboxMessage
{
    public Guid Id { get; set; }
    public Guid ThreadId { get; set; }
    public MessageSender Sender { get; set; }

    /// <summary>The staff member's id, or the representation's id; null for the person and the system.</summary>
    public string? SenderId { get; set; }
    public DateTimeOffset SentAt { get; set; }
    public byte[] BodyCipher { get; set; } = [];
    public byte[] WrappedKey { get; set; } = [];
    public int KeyVersion { get; set; }
}

/// <summary>A file of a message: name and content encrypted under the message's data key, bound to the attachment id.</summary>
public sealed class MailboxAttachment
{
    public Guid Id { get; set; }
    public Guid MessageId { get; set; }
    public Guid ThreadId { get; set; }
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    public byte[] FileNameCipher { get; set; } = [];
    public byte[] ContentCipher { get; set; } = [];
}

/// <summary>An internal note of the Kasse's staff on a thread: never shown to the person; encrypted like a message.</summary>
public sealed class MailboxNote
{
    public Guid Id { get; set; }
    public Guid ThreadId { get; set; }
    public string StaffId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public byte[] BodyCipher { get; set; } = [];
    public byte[] WrappedKey { get; set; } = [];
    public int KeyVersion { get; set; }
}

/// <summary>A reply template (Textbaustein) of a Kasse; not personal, stored plain.</summary>
public sealed class MailboxTemplate
{
    public Guid Id { get; set; }
    public Guid KasseId { get; set; }
    public string Name { get; set; } = "";
    public string? Topic { get; set; }
    public string Text { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The person's choice about electronic delivery (elektronische Zustellung) of documents; no row: not opted in.</summary>
public sealed class ElectronicDelivery
{
    public Guid PersonId { get; set; }
    public Guid KasseId { get; set; }
    public bool OptedIn { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
}

internal static class MailboxModel
{
    public const int TopicLength = 32;
    public const int StaffIdLength = 64;

    public static void Configure(ModelBuilder modelBuilder, bool isSqlite)
    {
        modelBuilder.Entity<MailboxThread>(e =>
        {
            e.ToTable("mailbox_threads");
            e.HasKey(x => x.Id);
            e.HasOne<InsuredPerson>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Topic).HasMaxLength(TopicLength);
            e.Property(x => x.AssignedStaffId).HasMaxLength(StaffIdLength);
            // The person's inbox: one range read, newest first (keyset cursor on last message time and id).
            e.HasIndex(x => new { x.PersonId, x.ArchivedByPerson, x.LastMessageAt, x.Id });
            // The inbox's unread count on every page: only the unread threads are in it (without it, counting read
            // every thread row of the person — 3.4 ms for 1,000 threads on PostgreSQL, the largest part of the page).
            e.HasIndex(x => new { x.PersonId, x.KasseId }, "IX_mailbox_threads_unread")
                .HasFilter(isSqlite ? "unread_by_person AND NOT archived_by_person" : "\"unread_by_person\" AND NOT \"archived_by_person\"");
            // A team's inbox: open threads of a topic by due date (then age) — one range read, no sort.
            e.HasIndex(x => new { x.KasseId, x.Topic, x.Open, x.DueAt, x.Id });
            e.HasIndex(x => new { x.KasseId, x.Topic, x.Status, x.DueAt, x.Id });
            e.HasIndex(x => new { x.KasseId, x.AssignedStaffId, x.Open, x.DueAt });
            // Retention and re-wrapping walk these.
            e.HasIndex(x => x.LastMessageAt);
            e.HasIndex(x => x.KeyVersion);
        });
        modelBuilder.Entity<MailboxMessage>(e =>
        {
            e.ToTable("mailbox_messages");
            e.HasKey(x => x.Id);
            e.HasOne<MailboxThread>().WithMany().HasForeignKey(x => x.ThreadId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.SenderId).HasMaxLength(StaffIdLength);
            e.HasIndex(x => new { x.ThreadId, x.SentAt });
            e.HasIndex(x => x.KeyVersion);
        });
        modelBuilder.Entity<MailboxAttachment>(e =>
        {
            e.ToTable("mailbox_attachments");
            e.HasKey(x => x.Id);
            e.HasOne<MailboxMessage>().WithMany().HasForeignKey(x => x.MessageId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.ContentType).HasMaxLength(64);
            e.HasIndex(x => x.MessageId);
            e.HasIndex(x => x.ThreadId);
        });
        modelBuilder.Entity<MailboxNote>(e =>
        {
            e.ToTable("mailbox_notes");
            e.HasKey(x => x.Id);
            e.HasOne<MailboxThread>().WithMany().HasForeignKey(x => x.ThreadId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.StaffId).HasMaxLength(StaffIdLength);
            e.HasIndex(x => new { x.ThreadId, x.CreatedAt });
            e.HasIndex(x => x.KeyVersion);
        });
        modelBuilder.Entity<MailboxTemplate>(e =>
        {
            e.ToTable("mailbox_templates");
            e.HasKey(x => x.Id);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Name).HasMaxLength(MailboxOptions.TemplateNameLength);
            e.Property(x => x.Topic).HasMaxLength(TopicLength);
            e.Property(x => x.Text).HasMaxLength(MailboxOptions.TemplateTextLength);
            e.Property(x => x.CreatedBy).HasMaxLength(StaffIdLength);
            e.HasIndex(x => new { x.KasseId, x.Name }).IsUnique();
        });
        modelBuilder.Entity<ElectronicDelivery>(e =>
        {
            e.ToTable("electronic_deliveries");
            e.HasKey(x => x.PersonId);
            e.HasOne<InsuredPerson>().WithOne().HasForeignKey<ElectronicDelivery>(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Kasse>().WithMany().HasForeignKey(x => x.KasseId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
