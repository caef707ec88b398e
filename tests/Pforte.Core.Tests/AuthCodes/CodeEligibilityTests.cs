using Pforte.Core.AuthCodes;
using Pforte.Core.Insured;

namespace Pforte.Core.Tests.AuthCodes;

public sealed class CodeEligibilityTests
{
    private static InsuredPerson Person(DateOnly birth, InsuranceKind kind = InsuranceKind.Member, DateOnly? end = null, DateOnly? died = null, DateOnly? start = null) => new()
    {
        Kvnr = "A123456780", FamilyName = "Test", GivenName = "Tina", BirthDate = birth, InsuranceKind = kind,
        InsuranceStart = start ?? birth, InsuranceEnd = end, DeceasedOn = died,
        Street = "Weg", HouseNumber = "1", PostalCode = "60311", City = "Frankfurt am Main", Country = "DE",
    };

    [Fact]
    public void A_member_is_eligible_on_the_15th_birthday_not_the_day_before()
    {
        var birth = new DateOnly(2011, 11, 28);
        var dayBefore = CodeEligibility.Evaluate(Person(birth), new DateOnly(2026, 11, 27));
        Assert.False(dayBefore.Eligible);
        Assert.Equal(IneligibilityReason.MemberUnder15, dayBefore.Reason);
        Assert.Equal(14, dayBefore.Age);
        Assert.True(CodeEligibility.Evaluate(Person(birth), new DateOnly(2026, 11, 28)).Eligible);
    }

    [Fact]
    public void A_family_insured_person_needs_18_and_staff_see_why()
    {
        var result = CodeEligibility.Evaluate(Person(new DateOnly(2009, 6, 1), InsuranceKind.Family), new DateOnly(2026, 11, 28));
        Assert.False(result.Eligible);
        Assert.Equal(IneligibilityReason.FamilyUnder18, result.Reason);
        Assert.StartsWith("familienversichert, 17 Jahre", result.Explanation, StringComparison.Ordinal);
        Assert.Contains("01.06.2027", result.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2027, 2, 28, 14)] // common year: still 14 on 28 February
    [InlineData(2027, 3, 1, 15)]  // § 188(3) BGB: the year is completed at the end of 28 February
    [InlineData(2028, 2, 28, 15)] // leap year: the birthday itself exists
    [InlineData(2028, 2, 29, 16)]
    public void A_29_february_birthday_counts_as_1_march_in_common_years(int y, int m, int d, int age)
    {
        var birth = new DateOnly(2012, 2, 29);
        var day = new DateOnly(y, m, d);
        Assert.Equal(age, CodeEligibility.AgeOn(birth, day));
        Assert.Equal(age >= 15, CodeEligibility.Evaluate(Person(birth), day).Eligible);
    }

    [Fact]
    public void Ended_insurance_and_death_end_eligibility()
    {
        var today = new DateOnly(2026, 11, 28);
        Assert.Equal(IneligibilityReason.InsuranceEnded, CodeEligibility.Evaluate(Person(new DateOnly(1980, 1, 1), end: new DateOnly(2026, 11, 27)), today).Reason);
        Assert.True(CodeEligibility.Evaluate(Person(new DateOnly(1980, 1, 1), end: today), today).Eligible);
        Assert.Equal(IneligibilityReason.Deceased, CodeEligibility.Evaluate(Person(new DateOnly(1980, 1, 1), died: new DateOnly(2026, 1, 1)), today).Reason);
        Assert.Equal(IneligibilityReason.NotYetInsured, CodeEligibility.Evaluate(Person(new DateOnly(1980, 1, 1), start: new DateOnly(2027, 1, 1)), today).Reason);
    }
}
