using Pforte.Core.Common;
using Pforte.Core.Portal;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Verwaltung;

/// <summary>The fields of a Beratungscenter as the admin's form posts them; the opening hours one line each.</summary>
public sealed class BranchForm
{
    public string? Name { get; set; }

    public string? Street { get; set; }

    public string? HouseNumber { get; set; }

    public string? PostalCode { get; set; }

    public string? City { get; set; }

    public string? Hours { get; set; }

    public BranchInput Input() => new(Name, Street, HouseNumber, PostalCode, City,
        Hours is null ? null : [.. Hours.ReplaceLineEndings("\n").Split('\n').Where(l => !string.IsNullOrWhiteSpace(l))]);

    public static BranchForm Of(BranchView branch) => new()
    {
        Name = branch.Name, Street = branch.Street, HouseNumber = branch.HouseNumber, PostalCode = branch.PostalCode, City = branch.City,
        Hours = string.Join('\n', branch.OpeningHours),
    };

    /// <summary>The form field a refusal of <see cref="ManageBranches"/> belongs to (its field names are the Core's).</summary>
    public static string? FieldOf(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code switch
        {
            ErrorCodes.PostalCodeInvalid => "plz",
            ErrorCodes.BranchHoursInvalid => "zeiten",
            ErrorCodes.BranchNameTaken => "name",
            _ => error.Args is [string field, ..] ? field switch
            {
                "name" => "name",
                "street" => "strasse",
                "houseNumber" => "hausnummer",
                "postalCode" => "plz",
                "city" => "ort",
                "hours" => "zeiten",
                _ => null,
            } : null,
        };
    }
}
