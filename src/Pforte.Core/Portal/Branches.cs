using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.Portal;

/// <summary>
/// A Beratungscenter of a Kasse, where insured persons are served in person (domain.md §4: photo ID). Staff keep the
/// list with <c>pforte branches</c>; the portal's public finder shows it.
/// </summary>
public sealed class Branch
{
    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    public required string Name { get; set; }

    public required string Street { get; set; }

    public required string HouseNumber { get; set; }

    public required string PostalCode { get; set; }

    public required string City { get; set; }

    /// <summary>Opening hours as lines a person reads ("Mo–Fr 8:00–18:00 Uhr"), separated by a line feed.</summary>
    public required string OpeningHours { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public IReadOnlyList<string> OpeningHourLines => OpeningHours.Split('\n');
}

/// <summary>What staff give for a branch; null fields of an update stay as they are.</summary>
public sealed record BranchInput(string? Name, string? Street, string? HouseNumber, string? PostalCode, string? City, IReadOnlyList<string>? OpeningHours);

public static class BranchLimits
{
    public const int Name = 100;
    public const int HoursLines = 7;
    public const int HoursLine = 80;

    /// <summary>The column: every line at its limit plus the line feeds between them.</summary>
    public const int HoursColumn = HoursLines * (HoursLine + 1);
}

/// <summary>
/// Adds, changes and removes a Kasse's branches (staff, through the CLI). Every change is audited (7001–7003) in the
/// transaction that makes it; the details name the branch and the changed fields, never anything about a person.
/// </summary>
public sealed class ManageBranches(PforteDbContext db, AuditLog audit, TimeProvider clock)
{
    public async Task<Result<Branch>> AddAsync(Guid kasseId, BranchInput input, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var branch = new Branch
        {
            Id = Guid.CreateVersion7(),
            KasseId = kasseId,
            Name = "",
            Street = "",
            HouseNumber = "",
            PostalCode = "",
            City = "",
            OpeningHours = "",
            CreatedAt = clock.GetUtcNow(),
        };
        if (Apply(branch, input, required: true) is { } error)
        {
            return error;
        }
        branch.UpdatedAt = branch.CreatedAt;
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (await NameTakenAsync(kasseId, branch.Name, null, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.BranchNameTaken, branch.Name);
        }
        db.Branches.Add(branch);
        await AuditAsync(kasseId, AuditAction.BranchAdded, branch, null, context, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return branch;
    }

    public async Task<Result<Branch>> UpdateAsync(Guid kasseId, string? branchId, BranchInput input, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (!(await FindAsync(kasseId, branchId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var branch, out var notFound))
        {
            return notFound;
        }
        var before = Snapshot(branch);
        if (Apply(branch, input, required: false) is { } error)
        {
            return error;
        }
        if (await NameTakenAsync(kasseId, branch.Name, branch.Id, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.BranchNameTaken, branch.Name);
        }
        var after = Snapshot(branch);
        var changed = before.Keys.Where(k => !string.Equals(before[k], after[k], StringComparison.Ordinal)).ToList();
        if (changed.Count == 0)
        {
            return branch;
        }
        branch.UpdatedAt = clock.GetUtcNow();
        await AuditAsync(kasseId, AuditAction.BranchChanged, branch, changed, context, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return branch;
    }

    public async Task<Result<Branch>> RemoveAsync(Guid kasseId, string? branchId, AuditContext context, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (!(await FindAsync(kasseId, branchId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var branch, out var notFound))
        {
            return notFound;
        }
        db.Branches.Remove(branch);
        await AuditAsync(kasseId, AuditAction.BranchRemoved, branch, null, context, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return branch;
    }

    private async Task<Result<Branch>> FindAsync(Guid kasseId, string? branchId, CancellationToken cancellationToken)
    {
        // Another Kasse's branch does not exist for this one.
        if (!Guid.TryParse(branchId, out var id))
        {
            return new Error(ErrorCodes.BranchNotFound, TextInput.Echo(branchId));
        }
        var branch = await db.Branches.SingleOrDefaultAsync(b => b.Id == id && b.KasseId == kasseId, cancellationToken).ConfigureAwait(false);
        return branch is null ? new Error(ErrorCodes.BranchNotFound, TextInput.Echo(branchId)) : branch;
    }

    private Task<bool> NameTakenAsync(Guid kasseId, string name, Guid? except, CancellationToken cancellationToken) =>
        db.Branches.AnyAsync(b => b.KasseId == kasseId && b.Name == name && b.Id != except, cancellationToken);

    /// <summary>Checks every given field by the input policy (ADR 0013) and sets it; nothing is set when one is bad.</summary>
    private static Error? Apply(Branch branch, BranchInput input, bool required)
    {
        Result<string?> Field(string name, string? value, int max) => required ? Lift(TextInput.Required(name, value, max)) : TextInput.Optional(name, value, max);
        static Result<string?> Lift(Result<string> result) => result.TryGetValue(out var value, out var error) ? value : error;

        var name = Field("name", input.Name, BranchLimits.Name);
        var street = Field("street", input.Street, InsuredLimits.Street);
        var house = Field("houseNumber", input.HouseNumber, InsuredLimits.HouseNumber);
        var postal = Field("postalCode", input.PostalCode, InsuredLimits.PostalCode);
        var city = Field("city", input.City, InsuredLimits.City);
        foreach (var field in new[] { name, street, house, postal, city })
        {
            if (field.Error is { } error)
            {
                return error;
            }
        }
        if (postal.Value is { } code && !(code.Length == 5 && code.All(char.IsAsciiDigit)))
        {
            return new Error(ErrorCodes.PostalCodeInvalid, code);
        }
        List<string>? hours = null;
        if (input.OpeningHours is { } lines || required)
        {
            hours = [];
            foreach (var line in input.OpeningHours ?? [])
            {
                if (TextInput.Optional("hours", line, BranchLimits.HoursLine) is var checkedLine && checkedLine.Error is { } bad)
                {
                    return bad.Code == ErrorCodes.FieldTooLong ? new Error(ErrorCodes.BranchHoursInvalid, BranchLimits.HoursLines, BranchLimits.HoursLine) : bad;
                }
                else if (checkedLine.Value is { } clean)
                {
                    hours.Add(clean);
                }
            }
            if (hours.Count is 0 or > BranchLimits.HoursLines)
            {
                return new Error(ErrorCodes.BranchHoursInvalid, BranchLimits.HoursLines, BranchLimits.HoursLine);
            }
        }
        branch.Name = name.Value ?? branch.Name;
        branch.Street = street.Value ?? branch.Street;
        branch.HouseNumber = house.Value ?? branch.HouseNumber;
        branch.PostalCode = postal.Value ?? branch.PostalCode;
        branch.City = city.Value ?? branch.City;
        branch.OpeningHours = hours is null ? branch.OpeningHours : string.Join('\n', hours);
        return null;
    }

    private static Dictionary<string, string> Snapshot(Branch b) => new(StringComparer.Ordinal)
    {
        ["name"] = b.Name, ["street"] = b.Street, ["house_number"] = b.HouseNumber, ["postal_code"] = b.PostalCode, ["city"] = b.City, ["opening_hours"] = b.OpeningHours,
    };

    private Task<AuditEntry> AuditAsync(Guid kasseId, AuditAction action, Branch branch, IReadOnlyList<string>? changed, AuditContext context, CancellationToken cancellationToken) =>
        audit.AppendAsync(kasseId, context, new AuditEvent(action, AuditOutcome.Success, Details: JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["branch"] = branch.Id, ["name"] = branch.Name, ["changed"] = changed,
        })), cancellationToken);
}

/// <summary>One branch as the public finder shows it.</summary>
public sealed record BranchView(Guid Id, string Name, string Street, string HouseNumber, string PostalCode, string City, IReadOnlyList<string> OpeningHours);

/// <summary>The finder's answer: the branches found and the identity documents to bring (domain.md §4).</summary>
public sealed record BranchFinderResult(IReadOnlyList<BranchView> Branches, IReadOnlyList<string> DocumentsToBring);

/// <summary>
/// The public Beratungscenter finder: a Kasse's branches, optionally narrowed by a postcode prefix or a part of the
/// town's name. It reveals nothing about persons, so it needs no sign-in; the search text passes the input policy.
/// </summary>
public sealed class FindBranches(PforteDbContext db)
{
    public const int MinSearchLength = 2;
    public const int MaxSearchLength = 100;

    /// <summary>The six photo IDs a Beratungscenter accepts (domain.md §4), in the order the Kasse's page lists them.</summary>
    public static IReadOnlyList<string> DocumentsToBring => [.. DocumentTypes.All.Values];

    public async Task<Result<BranchFinderResult>> ExecuteAsync(Guid kasseId, string? search, CancellationToken cancellationToken = default)
    {
        if (!TextInput.Optional("suche", search, MaxSearchLength).TryGetValue(out var text, out var error))
        {
            return error;
        }
        if (text is { Length: < MinSearchLength })
        {
            return new Error(ErrorCodes.BranchSearchTooShort, MinSearchLength);
        }
        var branches = await db.Branches.AsNoTracking().Where(b => b.KasseId == kasseId)
            .OrderBy(b => b.PostalCode).ThenBy(b => b.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (text is not null)
        {
            // A Kasse has tens of branches, not thousands: filtered here, case- and culture-insensitively for town names.
            var compare = ErrorTexts.German.CompareInfo;
            branches = text.All(char.IsAsciiDigit)
                ? branches.Where(b => b.PostalCode.StartsWith(text, StringComparison.Ordinal)).ToList()
                : branches.Where(b => compare.IndexOf(b.City, text, System.Globalization.CompareOptions.IgnoreCase) >= 0
                    || compare.IndexOf(b.Name, text, System.Globalization.CompareOptions.IgnoreCase) >= 0).ToList();
        }
        return new BranchFinderResult(
            branches.Select(b => new BranchView(b.Id, b.Name, b.Street, b.HouseNumber, b.PostalCode, b.City, b.OpeningHourLines)).ToList(),
            DocumentsToBring);
    }

    /// <summary>Every branch of a Kasse, for staff (CLI).</summary>
    public Task<List<Branch>> AllAsync(Guid kasseId, CancellationToken cancellationToken = default) =>
        db.Branches.AsNoTracking().Where(b => b.KasseId == kasseId).OrderBy(b => b.PostalCode).ThenBy(b => b.Name).ToListAsync(cancellationToken);
}
