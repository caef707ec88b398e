using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.Authentication;

/// <summary>What an agent in a Beratungscenter records: the photo ID shown.</summary>
public sealed record InPersonInput(string? Kvnr, string? DocumentType, string? DocumentNumberLast4, bool PhotoMatches, string? StaffId, Guid? RepresentativeId);

/// <summary>Which details in a letter or contact-form upload matched the Kasse's records (back office).</summary>
public sealed record WrittenInput(string? Kvnr, string? Channel, bool Signature, bool Name, bool AddressOrBirthDate, bool KvnrMatches, string? StaffId, Guid? RepresentativeId);

/// <summary>A login the portal back end completed: whose, with which factors, in which of its sessions.</summary>
public sealed record PortalLoginInput(string? Kvnr, IReadOnlyList<string?>? Factors, string? PortalSessionId, Guid? RepresentativeId);

/// <summary>
/// In person (photo ID → hoch) and written (letter, contact form → the level the rules give) need the acting staff
/// member; a portal login is reported by the portal back end, which did the login itself (the factors give the
/// level). Each stores a <see cref="PersonAuthentication"/> that decisions reference. When a representative
/// without an insured record of their own is the one identified, the authentication carries the representation, and
/// the decision checks its scope and validity.
/// </summary>
public sealed class RecordAuthentication(PforteDbContext db, AuditLog audit, IOptions<WrittenAuthenticationOptions> options, IOptions<PortalLoginOptions> portalOptions, DisclosurePolicy policy, TimeProvider clock)
{
    private readonly WrittenAuthenticationOptions _options = options.Value;

    public async Task<Result<PersonAuthentication>> InPersonAsync(Guid kasseId, Guid? clientId, InPersonInput input, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Performer.CheckStaffId(input.StaffId, required: true).TryGetValue(out var staffId, out var staffError))
        {
            return staffError;
        }
        if ((TextInput.Check("documentType", input.DocumentType, TextInput.ShortText) ?? TextInput.Check("documentNumberLast4", input.DocumentNumberLast4, TextInput.ShortText)) is { } badText)
        {
            return badText;
        }
        if (input.DocumentType is null || !DocumentTypes.All.ContainsKey(input.DocumentType))
        {
            return new Error(ErrorCodes.DocumentTypeUnknown, TextInput.Echo(input.DocumentType), string.Join(", ", DocumentTypes.All.Keys));
        }
        if (input.DocumentNumberLast4 is not { Length: 4 } last4 || !last4.All(char.IsAsciiLetterOrDigit))
        {
            return new Error(ErrorCodes.DocumentNumberFormat);
        }
        var target = await FindAsync(kasseId, input.Kvnr, input.RepresentativeId, Channels.InPerson, AuthenticationMethods.InPersonDocument, context, cancellationToken).ConfigureAwait(false);
        if (!target.TryGetValue(out var person, out var error))
        {
            return error;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var details = $"\"document\":\"{input.DocumentType}\",\"number_last4\":\"{last4.ToUpperInvariant()}\",\"staff\":\"{PhoneQuestionRounds.Json(staffId!)}\"{Rep(input.RepresentativeId)}";
        if (!input.PhotoMatches)
        {
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.InPersonRefused, AuditOutcome.Failure, person.Id, person.Kvnr,
                ReasonCode: "photo-mismatch", Details: $"{{{details}}}"), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new Error(ErrorCodes.PhotoMismatch);
        }
        var authentication = New(kasseId, person.Id, AuthenticationMethods.InPersonDocument, TrustLevels.Hoch, Channels.InPerson, clientId, staffId!, input.RepresentativeId, _options.InPersonValidity);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.InPersonAuthenticated, AuditOutcome.Success, person.Id, person.Kvnr,
            Details: $"{{\"authentication\":\"{authentication.Id}\",\"level\":\"hoch\",{details}}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return authentication;
    }

    /// <summary>The level the written rules give for a set of matched details (none when too few).</summary>
    public string WrittenLevel(WrittenInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.Name || !input.AddressOrBirthDate)
        {
            return TrustLevels.None;
        }
        if (!input.KvnrMatches)
        {
            return _options.NameAndAddressLevel;
        }
        return input.Signature ? _options.AllDetailsLevel : _options.WithoutSignatureLevel;
    }

    public async Task<Result<PersonAuthentication>> WrittenAsync(Guid kasseId, Guid? clientId, WrittenInput input, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Performer.CheckStaffId(input.StaffId, required: true).TryGetValue(out var staffId, out var staffError))
        {
            return staffError;
        }
        if (TextInput.Check("channel", input.Channel, TextInput.ShortText) is { } badChannel)
        {
            return badChannel;
        }
        if (input.Channel is not (Channels.Letter or Channels.ContactForm))
        {
            return new Error(ErrorCodes.WrittenChannel);
        }
        var target = await FindAsync(kasseId, input.Kvnr, input.RepresentativeId, input.Channel, input.Channel == Channels.Letter ? AuthenticationMethods.LetterDetails : AuthenticationMethods.ContactFormDetails, context, cancellationToken).ConfigureAwait(false);
        if (!target.TryGetValue(out var person, out var error))
        {
            return error;
        }
        var level = WrittenLevel(input);
        var matched = string.Join(',', new[] { ("signature", input.Signature), ("name", input.Name), ("address-or-birth-date", input.AddressOrBirthDate), ("kvnr", input.KvnrMatches) }
            .Where(x => x.Item2).Select(x => x.Item1));
        var details = $"\"channel\":\"{input.Channel}\",\"matched\":\"{matched}\",\"staff\":\"{PhoneQuestionRounds.Json(staffId!)}\"{Rep(input.RepresentativeId)}";
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (TrustLevelOrder.Rank(level) <= 0)
        {
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.WrittenRefused, AuditOutcome.Failure, person.Id, person.Kvnr,
                ReasonCode: "too-few-details", Details: $"{{{details}}}"), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new Error(ErrorCodes.WrittenTooFewDetails);
        }
        var method = input.Channel == Channels.Letter ? AuthenticationMethods.LetterDetails : AuthenticationMethods.ContactFormDetails;
        var authentication = New(kasseId, person.Id, method, level, input.Channel, clientId, staffId!, input.RepresentativeId, _options.AuthenticationValidity);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.WrittenAuthenticated, AuditOutcome.Success, person.Id, person.Kvnr,
            Details: $"{{\"authentication\":\"{authentication.Id}\",\"level\":\"{level}\",{details}}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return authentication;
    }

    /// <summary>
    /// Records a login the portal back end completed. Pforte cannot check the factors itself; it checks that the
    /// reported combination is a two-factor login (<see cref="PortalLoginFactors"/>) and gives it the configured
    /// level. A refused combination stores nothing and writes no audit entry (malformed input, like the other
    /// methods' format errors); the portal's session id goes into the audit details so the login can be traced.
    /// </summary>
    public async Task<Result<PersonAuthentication>> PortalLoginAsync(Guid kasseId, Guid clientId, PortalLoginInput input, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var options = portalOptions.Value;
        foreach (var factor in input.Factors ?? [])
        {
            if (TextInput.Check("factors", factor, TextInput.ShortText) is { } badFactor)
            {
                return badFactor;
            }
        }
        if (!PortalLoginFactors.Level(input.Factors, options.Levels).TryGetValue(out var level, out var factorError))
        {
            return factorError;
        }
        if (!IsPortalSessionId(input.PortalSessionId))
        {
            return new Error(ErrorCodes.PortalSessionIdInvalid);
        }
        var target = await FindAsync(kasseId, input.Kvnr, input.RepresentativeId, Channels.Portal, AuthenticationMethods.PortalLogin, context, cancellationToken).ConfigureAwait(false);
        if (!target.TryGetValue(out var person, out var error))
        {
            return error;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var authentication = New(kasseId, person.Id, AuthenticationMethods.PortalLogin, level, Channels.Portal, clientId, null, input.RepresentativeId, options.AuthenticationValidity);
        var factors = string.Join(',', input.Factors!);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PortalLoginRecorded, AuditOutcome.Success, person.Id, person.Kvnr,
            Details: $"{{\"authentication\":\"{authentication.Id}\",\"level\":\"{level}\",\"factors\":\"{factors}\",\"portal_session\":\"{PhoneQuestionRounds.Json(input.PortalSessionId!)}\"{Rep(input.RepresentativeId)}}}"),
            cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return authentication;
    }

    /// <summary>1–128 printable ASCII characters (U+0020–U+007E), not only spaces: an identifier, not a secret.</summary>
    public static bool IsPortalSessionId(string? value) =>
        value is { Length: >= 1 and <= 128 } && value.All(c => c is >= ' ' and <= '~') && !string.IsNullOrWhiteSpace(value);

    private PersonAuthentication New(Guid kasseId, Guid personId, string method, string level, string channel, Guid? clientId, string? staffId, Guid? representativeId, TimeSpan validity)
    {
        var now = clock.GetUtcNow();
        var authentication = new PersonAuthentication
        {
            Id = Guid.CreateVersion7(),
            KasseId = kasseId,
            PersonId = personId,
            Method = method,
            Level = level,
            Channel = channel,
            ClientId = clientId,
            StaffId = staffId,
            RepresentativeId = representativeId,
            CreatedAt = now,
            ValidUntil = now + validity,
        };
        db.Authentications.Add(authentication);
        return authentication;
    }

    private async Task<Result<InsuredPerson>> FindAsync(Guid kasseId, string? kvnr, Guid? representativeId, string channel, string method, AuditContext context, CancellationToken cancellationToken)
    {
        if (policy.Offers(channel, method) is { } notOffered)
        {
            return notOffered;
        }
        if (!Kvnr.Parse(kvnr).TryGetValue(out var parsed, out var error))
        {
            return error;
        }
        var person = await db.InsuredPersons.AsNoTracking().SingleOrDefaultAsync(p => p.KasseId == kasseId && p.Kvnr == parsed.Value, cancellationToken).ConfigureAwait(false);
        if (person is null)
        {
            return new Error(ErrorCodes.ApiPersonNotFound);
        }
        if (representativeId is { } rid && !await db.Representatives.AnyAsync(r => r.Id == rid && r.RepresentedPersonId == person.Id, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.AuthRepresentativeUnknown);
        }
        return await DeceasedGuard.RefuseAsync(db, audit, kasseId, person, method, context, cancellationToken).ConfigureAwait(false) is { } deceased
            ? deceased
            : person;
    }

    private static string Rep(Guid? representativeId) => representativeId is { } r ? $",\"representative\":\"{r}\"" : "";
}
