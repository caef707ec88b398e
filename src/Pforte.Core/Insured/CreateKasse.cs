using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Insured;

public sealed record NewKasse(string Ik, string Name, string SenderStreet, string SenderHouseNumber, string SenderPostalCode, string SenderCity, bool IsDemo = false);

/// <summary>Registers a Kasse (tenant) with its audit chain.</summary>
public sealed class CreateKasse(PforteDbContext db, AuditLog audit, TimeProvider clock)
{
    public async Task<Result<Kasse>> ExecuteAsync(NewKasse input, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Common.Ik.Parse(input.Ik).TryGetValue(out var ik, out var error))
        {
            return error;
        }
        // The input policy (ADR 0013): the sender's name and address appear on every letter.
        var fields = new (string Field, string? Value, int Max)[]
        {
            ("name", input.Name, 200), ("street", input.SenderStreet, 100), ("houseNumber", input.SenderHouseNumber, 20),
            ("postalCode", input.SenderPostalCode, 10), ("city", input.SenderCity, 100),
        };
        var clean = new string[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            if (!TextInput.Required(fields[i].Field, fields[i].Value, fields[i].Max).TryGetValue(out var value, out error))
            {
                return error;
            }
            clean[i] = value;
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (await db.Kassen.AnyAsync(k => k.Ik == ik.Value, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.KasseExists, ik.Value);
        }
        var kasse = new Kasse
        {
            Id = Guid.CreateVersion7(),
            Ik = ik.Value,
            Name = clean[0],
            SenderStreet = clean[1],
            SenderHouseNumber = clean[2],
            SenderPostalCode = clean[3],
            SenderCity = clean[4],
            IsDemo = input.IsDemo,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Kassen.Add(kasse);
        db.AuditChainHeads.AddRange(AuditLog.NewHeads(kasse.Id));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasse.Id, context, new AuditEvent(AuditAction.KasseCreated, AuditOutcome.Success, Details: $"{{\"ik\":\"{ik.Value}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return kasse;
    }
}

/// <summary>Finds the Kasse a command works on: the named one, or the only one.</summary>
public static class KasseLookup
{
    public static async Task<Result<Kasse>> ResolveAsync(PforteDbContext db, string? ik, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (ik is not null)
        {
            if (!Common.Ik.Parse(ik).TryGetValue(out var parsed, out var error))
            {
                return error;
            }
            var kasse = await db.Kassen.AsNoTracking().SingleOrDefaultAsync(k => k.Ik == parsed.Value, cancellationToken).ConfigureAwait(false);
            return kasse is null ? new Error(ErrorCodes.KasseUnknown, parsed.Value) : kasse;
        }
        var all = await db.Kassen.AsNoTracking().Take(2).ToListAsync(cancellationToken).ConfigureAwait(false);
        return all.Count switch
        {
            0 => new Error(ErrorCodes.KasseNone),
            1 => all[0],
            _ => new Error(ErrorCodes.KasseAmbiguous),
        };
    }

    /// <summary>The named Kasse, or every Kasse of the installation (in IK order) when none is named.</summary>
    public static async Task<Result<IReadOnlyList<Kasse>>> ResolveOneOrAllAsync(PforteDbContext db, string? ik, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (ik is null)
        {
            return await db.Kassen.AsNoTracking().OrderBy(k => k.Ik).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        var one = await ResolveAsync(db, ik, cancellationToken).ConfigureAwait(false);
        return one.TryGetValue(out var kasse, out var error) ? new[] { kasse } : error;
    }
}
