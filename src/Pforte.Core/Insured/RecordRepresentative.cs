using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Persistence;

namespace Pforte.Core.Insured;

/// <summary>A representative as staff record it from a Betreuerausweis or a written Vollmacht.</summary>
public sealed record RepresentativeInput(
    string? Kind,
    string? RepresentativeKvnr,
    string? FamilyName,
    string? GivenName,
    DateOnly? BirthDate,
    IReadOnlyList<string>? Scope,
    DateOnly? ValidFrom,
    DateOnly? ValidTo,
    string? ProofReference,
    bool Einwilligungsvorbehalt);

/// <summary>
/// Records who may act for an insured person, in which request kinds and for how long. Whether a representative
/// may act in a given case is decided at disclosure time (issue 5); here we only make sure what is stored is sound.
/// </summary>
public sealed class RecordRepresentative(PforteDbContext db, AuditLog audit, TimeProvider clock)
{
    public static readonly IReadOnlyDictionary<string, RepresentativeKind> KindNames = new Dictionary<string, RepresentativeKind>(StringComparer.Ordinal)
    {
        ["betreuer"] = RepresentativeKind.Betreuer,
        ["bevollmaechtigter"] = RepresentativeKind.Bevollmaechtigter,
        ["gesetzlicher-vertreter"] = RepresentativeKind.GesetzlicherVertreter,
    };

    /// <summary>The proof reference's column length.</summary>
    public const int ProofReferenceLength = 200;

    public static string NameOf(RepresentativeKind kind) => KindNames.First(k => k.Value == kind).Key;

    public async Task<Result<Representative>> ExecuteAsync(Guid kasseId, string representedKvnr, RepresentativeInput input, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Kvnr.Parse(representedKvnr).TryGetValue(out var kvnr, out var error))
        {
            return error;
        }
        if (input.Kind is null || !KindNames.TryGetValue(input.Kind, out var kind))
        {
            return new Error(ErrorCodes.RepresentativeKindUnknown, TextInput.Echo(input.Kind), string.Join(", ", KindNames.Keys));
        }
        // The input policy first, for every text field, so that a refusal names the field (ADR 0013).
        foreach (var item in input.Scope ?? [])
        {
            if (TextInput.Check("scope", item, TextInput.ShortText) is { } badScope)
            {
                return badScope;
            }
        }
        var familyInput = TextInput.Optional("familyName", input.FamilyName, InsuredLimits.Name);
        var givenInput = TextInput.Optional("givenName", input.GivenName, InsuredLimits.Name);
        var proofInput = TextInput.Optional("proofReference", input.ProofReference, ProofReferenceLength);
        foreach (var checkedField in new[] { familyInput, givenInput, proofInput })
        {
            if (checkedField.Error is { } badText)
            {
                return badText;
            }
        }
        var scope = input.Scope?.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (scope.Count == 0)
        {
            return new Error(ErrorCodes.RepresentativeScopeEmpty);
        }
        if (!(scope.Count == 1 && scope[0] == Representative.AllRequestKinds))
        {
            var unknown = scope.FirstOrDefault(s => !RequestKinds.IsKnown(s));
            if (unknown is not null)
            {
                return new Error(ErrorCodes.RepresentativeScopeUnknown, unknown, string.Join(", ", RequestKinds.All));
            }
        }
        if (input.ValidFrom is null)
        {
            return new Error(ErrorCodes.FieldRequired, "valid_from");
        }
        if (input.ValidTo is { } to && to < input.ValidFrom)
        {
            return new Error(ErrorCodes.RepresentativeValidity);
        }
        if (proofInput.Value is not { } proofReference)
        {
            return new Error(ErrorCodes.RepresentativeProofMissing);
        }
        if (input.Einwilligungsvorbehalt && kind != RepresentativeKind.Betreuer)
        {
            return new Error(ErrorCodes.RepresentativeEinwilligungsvorbehalt);
        }

        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var represented = await db.InsuredPersons.AsNoTracking()
            .SingleOrDefaultAsync(p => p.KasseId == kasseId && p.Kvnr == kvnr.Value, cancellationToken).ConfigureAwait(false);
        if (represented is null)
        {
            return new Error(ErrorCodes.ApiPersonNotFound);
        }

        Guid? representativePersonId = null;
        string familyName;
        string givenName;
        var birthDate = input.BirthDate;
        if (input.RepresentativeKvnr is { Length: > 0 })
        {
            if (!Kvnr.Parse(input.RepresentativeKvnr).TryGetValue(out var repKvnr, out error))
            {
                return error;
            }
            if (repKvnr.Value == kvnr.Value)
            {
                return new Error(ErrorCodes.RepresentativeSelf);
            }
            var person = await db.InsuredPersons.AsNoTracking()
                .SingleOrDefaultAsync(p => p.KasseId == kasseId && p.Kvnr == repKvnr.Value, cancellationToken).ConfigureAwait(false);
            if (person is null)
            {
                return new Error(ErrorCodes.RepresentativePersonUnknown, repKvnr.Value);
            }
            representativePersonId = person.Id;
            familyName = person.FamilyName;
            givenName = person.GivenName;
            birthDate = person.BirthDate;
        }
        else if (familyInput.Value is not { } family || givenInput.Value is not { } given)
        {
            return new Error(ErrorCodes.RepresentativeIdentityMissing);
        }
        else
        {
            familyName = family;
            givenName = given;
        }

        var representative = new Representative
        {
            Id = Guid.CreateVersion7(),
            KasseId = kasseId,
            RepresentedPersonId = represented.Id,
            Kind = kind,
            RepresentativePersonId = representativePersonId,
            FamilyName = familyName,
            GivenName = givenName,
            BirthDate = birthDate,
            Scope = string.Join(',', scope),
            ValidFrom = input.ValidFrom.Value,
            ValidTo = input.ValidTo,
            ProofReference = proofReference,
            Einwilligungsvorbehalt = input.Einwilligungsvorbehalt,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Representatives.Add(representative);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.RepresentativeRecorded, AuditOutcome.Success,
            represented.Id, represented.Kvnr, Details: $"{{\"representative\":\"{representative.Id}\",\"kind\":\"{NameOf(kind)}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return representative;
    }
}
