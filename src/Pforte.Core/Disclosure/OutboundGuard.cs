using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Disclosure;

/// <summary>Something about to leave the Kasse.</summary>
/// <param name="ContainsPersonalData">False only for content-free notices ("Sie haben eine neue Nachricht im Postfach").</param>
public sealed record OutboundMessage(string Channel, bool ContainsPersonalData, Guid? SubjectPersonId, string? SubjectKvnr, string Purpose);

public sealed record OutboundPermit(string Channel, string Purpose);

/// <summary>
/// The one door out: every path that sends something (mail notices, letters, portal messages, fax, chat) asks here
/// first. Personal content over e-mail, fax or chat is refused with the insurer's recommendation (use the portal);
/// content-free notices may go by e-mail or chat. Every release and refusal is recorded. The check itself is
/// <see cref="Check"/>, pure, so transports can also test it before building a message.
/// </summary>
public sealed class OutboundGuard(PforteDbContext db, DisclosurePolicy policy, AuditLog audit)
{
    public const int MaxPurposeLength = 100;

    public Result<OutboundPermit> Check(OutboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var channel = policy.Channel(message.Channel);
        if (channel is null)
        {
            return new Error(ErrorCodes.DisclosureChannelUnknown, message.Channel, string.Join(", ", Channels.All));
        }
        if (message.ContainsPersonalData && !channel.PersonalDataOutbound)
        {
            var alternatives = policy.Channels.Where(c => c.PersonalDataOutbound).Select(c => c.Id)
                .OrderBy(id => id == Channels.Portal ? 0 : 1).Select(Channels.GermanName);
            return new Error(ErrorCodes.DisclosureNoPersonalDataOnChannel, Channels.GermanName(channel.Id), string.Join(", ", alternatives));
        }
        if (!channel.Outbound)
        {
            return new Error(ErrorCodes.DisclosureNothingOutbound, Channels.GermanName(channel.Id), Channels.GermanName(Channels.Portal) + ", " + Channels.GermanName(Channels.Letter));
        }
        return new OutboundPermit(channel.Id, message.Purpose);
    }

    /// <summary>Checks and records; the caller sends only with a permit, inside the same transaction as its own change.</summary>
    public async Task<Result<OutboundPermit>> ReleaseAsync(Guid kasseId, OutboundMessage message, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Input that breaks the input policy is refused before anything is recorded (ADR 0013).
        if ((TextInput.Check("channel", message.Channel, TextInput.ShortText) is { } badChannel))
        {
            return badChannel;
        }
        if (!TextInput.Required("purpose", message.Purpose, MaxPurposeLength).TryGetValue(out var purpose, out var badPurpose))
        {
            return badPurpose;
        }
        message = message with { Purpose = purpose };
        var result = Check(message);
        if (result.Error is { Code: ErrorCodes.DisclosureChannelUnknown } unknown)
        {
            // Not a channel at all: bad input, not a refusal to record (and no value for the record's channel column).
            return unknown;
        }
        var own = db.Database.CurrentTransaction is null;
        await using var transaction = own ? await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false) : null;
        await audit.AppendAsync(kasseId, context with { Channel = message.Channel }, new AuditEvent(
            result.IsSuccess ? AuditAction.OutboundReleased : AuditAction.OutboundRefused,
            result.IsSuccess ? AuditOutcome.Success : AuditOutcome.Refused,
            message.SubjectPersonId, message.SubjectKvnr, ReasonCode: result.Error?.Code,
            Details: $"{{\"purpose\":\"{PhoneQuestionRounds.Json(message.Purpose)}\",\"personal\":{(message.ContainsPersonalData ? "true" : "false")}}}"), cancellationToken).ConfigureAwait(false);
        if (own)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction!.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return result;
    }
}
