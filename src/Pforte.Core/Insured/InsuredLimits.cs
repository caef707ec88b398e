namespace Pforte.Core.Insured;

/// <summary>Field lengths, shared by the schema and the validation of imports and the API.</summary>
public static class InsuredLimits
{
    public const int Name = 100;
    public const int Street = 100;
    public const int HouseNumber = 20;
    public const int PostalCode = 10;
    public const int City = 100;
}
