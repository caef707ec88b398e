using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Core.SelfService;

/// <summary>A new address typed in the portal (German addresses; a move abroad goes through the Kasse).</summary>
public sealed record NewAddress(string? Street, string? HouseNumber, string? PostalCode, string? City, string? EffectiveOn);

/// <summary>A move reported ahead of time, applied on its day (<see cref="ApplyDueAddressChanges"/>).</summary>
public sealed class ScheduledAddressChange
{
    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    public Guid PersonId { get; set; }

    public required string Street { get; set; }

    public required string HouseNumber { get; set; }

    public required string PostalCode { get; set; }

    public required string City { get; set; }

    public required string Country { get; set; }

    public DateOnly EffectiveOn { get; set; }

    public DateTimeOffset RequestedAt { get; set; }
}

public sealed record AddressChangeDone(bool Applied, DateOnly EffectiveOn);

/// <summary>
/// The person changes the postal address (domain.md §4: only through the portal, in writing or in person) with the
/// day it applies from. A day up to today applies at once; a later day is kept and applied on that day by the daily
/// run. When it applies, the confirmation goes to the new AND the old address (letter kind
/// <see cref="LetterKinds.AddressChanged"/>, as for a change from the core system): whoever changed the address
/// without the person's knowledge is noticed at the old one. Codes and cards go to the new address from then on.
/// </summary>
public sealed class ChangeAddress(PforteDbContext db, LetterOutbox outbox, AuditLog audit, IOptions<SelfServiceOptions> options, TimeProvider clock)
{
    public const string Country = "DE";

    private readonly SelfServiceOptions _options = options.Value;

    public async Task<Result<AddressChangeDone>> ExecuteAsync(Guid kasseId, Guid personId, NewAddress input, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var today = BerlinCalendar.Today(clock);
        if (Validate(input, today, _options) is [var first, ..])
        {
            return first.Error;
        }
        var address = Clean(input);
        var effective = OrderNewCode.ParseDate(input.EffectiveOn)!.Value;
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var person = await db.InsuredPersons.AsTracking().SingleOrDefaultAsync(p => p.KasseId == kasseId && p.Id == personId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The signed-in person does not exist in this Kasse.");
        if (PostalAddress.Of(person) == address)
        {
            return new Error(ErrorCodes.SelfAddressUnchanged);
        }
        // A new report replaces one still waiting for its day: the person's latest word counts.
        await db.Set<ScheduledAddressChange>().Where(s => s.PersonId == personId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (effective <= today)
        {
            await ApplyAsync(db, outbox, audit, person, address, effective, context, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            db.Set<ScheduledAddressChange>().Add(new ScheduledAddressChange
            {
                Id = Guid.CreateVersion7(), KasseId = kasseId, PersonId = personId, Street = address.Street, HouseNumber = address.HouseNumber,
                PostalCode = address.PostalCode, City = address.City, Country = address.Country, EffectiveOn = effective, RequestedAt = clock.GetUtcNow(),
            });
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.AddressChangeScheduled, AuditOutcome.Success, person.Id, person.Kvnr,
                Details: JsonSerializer.Serialize(new { effective = effective.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) })), cancellationToken).ConfigureAwait(false);
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AddressChangeDone(effective <= today, effective);
    }

    /// <summary>Every refusal of the form, each naming its field (street, houseNumber, postalCode, city, effectiveOn).</summary>
    public static IReadOnlyList<FieldError> Validate(NewAddress input, DateOnly today, SelfServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<FieldError>();
        Text(errors, "street", "Straße", input.Street, InsuredLimits.Street, ErrorCodes.SelfAddressStreet);
        Text(errors, "houseNumber", "Hausnummer", input.HouseNumber, InsuredLimits.HouseNumber, ErrorCodes.SelfAddressHouseNumber);
        if (input.PostalCode is not { Length: 5 } || !input.PostalCode.All(char.IsAsciiDigit))
        {
            errors.Add(new FieldError("postalCode", new Error(ErrorCodes.SelfAddressPostalCode)));
        }
        Text(errors, "city", "Ort", input.City, InsuredLimits.City, ErrorCodes.SelfAddressCity);
        if (OrderNewCode.ParseDate(input.EffectiveOn) is not { } date)
        {
            errors.Add(new FieldError("effectiveOn", new Error(ErrorCodes.SelfAddressDate)));
        }
        else if (date < today.AddDays(-options.AddressDaysBack) || date > today.AddDays(options.AddressDaysAhead))
        {
            errors.Add(new FieldError("effectiveOn", new Error(ErrorCodes.SelfAddressDateRange, options.AddressDaysBack, options.AddressDaysAhead)));
        }
        return errors;
    }

    private static void Text(List<FieldError> errors, string field, string label, string? value, int max, string missing)
    {
        if (string.IsNullOrWhiteSpace(value) && (value is null || TextInput.FirstForbidden(value) is null))
        {
            errors.Add(new FieldError(field, new Error(missing)));
        }
        else if (TextInput.Required(field, value, max).Error is { } error)
        {
            errors.Add(new FieldError(field, error.Code == ErrorCodes.FieldTooLong
                ? new Error(ErrorCodes.SelfAddressTooLong, label, max)
                : new Error(ErrorCodes.SelfAddressCharacters, label)));
        }
    }

    private static PostalAddress Clean(NewAddress input) => new(
        TextInput.Required("street", input.Street, InsuredLimits.Street).Value,
        TextInput.Required("houseNumber", input.HouseNumber, InsuredLimits.HouseNumber).Value,
        input.PostalCode!,
        TextInput.Required("city", input.City, InsuredLimits.City).Value,
        Country);

    /// <summary>Writes the new address, its audit entry and the two letters, in the caller's transaction.</summary>
    internal static async Task ApplyAsync(PforteDbContext db, LetterOutbox outbox, AuditLog audit, InsuredPerson person, PostalAddress address, DateOnly effective, AuditContext context, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var old = PostalAddress.Of(person);
        var fields = new List<string>();
        void Set(string column, string before, string after, Action<string> set)
        {
            if (!string.Equals(before, after, StringComparison.Ordinal))
            {
                set(after);
                fields.Add(column);
            }
        }
        Set("street", person.Street, address.Street, v => person.Street = v);
        Set("house_number", person.HouseNumber, address.HouseNumber, v => person.HouseNumber = v);
        Set("postal_code", person.PostalCode, address.PostalCode, v => person.PostalCode = v);
        Set("city", person.City, address.City, v => person.City = v);
        Set("country", person.Country, address.Country, v => person.Country = v);
        person.UpdatedAt = now;
        var toNew = await outbox.QueueAsync(person, LetterKinds.AddressChanged, context, cancellationToken: cancellationToken).ConfigureAwait(false);
        var toOld = await outbox.QueueAsync(person, LetterKinds.AddressChanged, context, address: old, cancellationToken: cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(person.KasseId, context, new AuditEvent(AuditAction.AddressChanged, AuditOutcome.Success, person.Id, person.Kvnr,
            Details: JsonSerializer.Serialize(new
            {
                fields,
                effective = effective.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                letters = new[] { toNew.Id, toOld.Id },
            })), cancellationToken).ConfigureAwait(false);
        // Mail to the old address came back? The new one may be written to again (as after a change from the core system).
        await db.AuthCodes.Where(a => a.PersonId == person.Id && a.State == AuthCodeState.None && a.Reason == AuthCodeReasons.LetterReturned)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.Reason, AuthCodeReasons.AddressChanged), cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The daily run's part for moves reported ahead: applies every change whose day has come.</summary>
public sealed class ApplyDueAddressChanges(PforteDbContext db, LetterOutbox outbox, AuditLog audit, TimeProvider clock)
{
    public async Task<int> ExecuteAsync(DateOnly today, AuditContext context, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var due = await db.Set<ScheduledAddressChange>().AsTracking().Where(s => s.EffectiveOn <= today).OrderBy(s => s.EffectiveOn).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var change in due)
        {
            var person = await db.InsuredPersons.AsTracking().SingleAsync(p => p.Id == change.PersonId, cancellationToken).ConfigureAwait(false);
            var address = new PostalAddress(change.Street, change.HouseNumber, change.PostalCode, change.City, change.Country);
            if (PostalAddress.Of(person) != address)
            {
                await ChangeAddress.ApplyAsync(db, outbox, audit, person, address, change.EffectiveOn, context, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
            db.Remove(change);
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return due.Count;
    }
}
