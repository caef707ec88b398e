using Pforte.Core.Insured;

namespace Pforte.Core.Letters;

/// <summary>A postal address as a letter is sent to it.</summary>
public sealed record PostalAddress(string Street, string HouseNumber, string PostalCode, string City, string Country)
{
    public static PostalAddress Of(InsuredPerson person)
    {
        ArgumentNullException.ThrowIfNull(person);
        return new(person.Street, person.HouseNumber, person.PostalCode, person.City, person.Country);
    }
}
