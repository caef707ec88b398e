using Pforte.Core.Insured;

namespace Pforte.Core.AuthCodes;

/// <summary>Why a person may or may not have a code; the ids are stable, staff see the German sentence.</summary>
public enum IneligibilityReason
{
    None = 0,
    MemberUnder15 = 1,
    FamilyUnder18 = 2,
    NotYetInsured = 3,
    InsuranceEnded = 4,
    Deceased = 5,
}

public sealed record EligibilityResult(bool Eligible, IneligibilityReason Reason, int Age, DateOnly? EligibleFrom)
{
    /// <summary>German, for staff: "familienversichert, 17 Jahre".</summary>
    public string Explanation => Reason switch
    {
        IneligibilityReason.None => "berechtigt",
        IneligibilityReason.MemberUnder15 => $"Mitglied, {Age} Jahre (ab dem 15. Geburtstag, also ab {EligibleFrom:dd.MM.yyyy})",
        IneligibilityReason.FamilyUnder18 => $"familienversichert, {Age} Jahre (ab dem 18. Geburtstag, also ab {EligibleFrom:dd.MM.yyyy})",
        IneligibilityReason.NotYetInsured => $"Versicherung beginnt erst am {EligibleFrom:dd.MM.yyyy}",
        IneligibilityReason.InsuranceEnded => "Versicherung beendet",
        IneligibilityReason.Deceased => "verstorben",
        _ => throw new ArgumentOutOfRangeException(nameof(Reason)),
    };
}

/// <summary>
/// domain.md §5.1: members from their 15th birthday, family-insured persons from their 18th, while insured and alive.
/// Age follows §§ 187(2), 188(2) BGB: the day of birth counts, so a year of life is completed at the end of the day
/// before the birthday — the person is N on the birthday itself. Someone born on 29 February completes the year at
/// the end of 28 February in a common year (§ 188(3) BGB: the period ends on the last day of February), so the
/// birthday counts as 1 March in common years.
/// </summary>
public static class CodeEligibility
{
    public const int MemberAge = 15;
    public const int FamilyAge = 18;

    public static EligibilityResult Evaluate(InsuredPerson person, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(person);
        var age = AgeOn(person.BirthDate, today);
        if (person.DeceasedOn is { } died && died <= today)
        {
            return new(false, IneligibilityReason.Deceased, age, null);
        }
        if (person.InsuranceEnd is { } end && end < today)
        {
            return new(false, IneligibilityReason.InsuranceEnded, age, null);
        }
        var required = person.InsuranceKind == InsuranceKind.Family ? FamilyAge : MemberAge;
        var eligibleFrom = Birthday(person.BirthDate, person.BirthDate.Year + required);
        if (age < required)
        {
            return new(false, person.InsuranceKind == InsuranceKind.Family ? IneligibilityReason.FamilyUnder18 : IneligibilityReason.MemberUnder15, age, eligibleFrom);
        }
        if (person.InsuranceStart > today)
        {
            return new(false, IneligibilityReason.NotYetInsured, age, person.InsuranceStart);
        }
        return new(true, IneligibilityReason.None, age, null);
    }

    /// <summary>Completed years of life on <paramref name="day"/> (German law, see the class comment).</summary>
    public static int AgeOn(DateOnly birth, DateOnly day)
    {
        var years = day.Year - birth.Year;
        return day < Birthday(birth, day.Year) ? years - 1 : years;
    }

    /// <summary>The day in <paramref name="year"/> from which the person counts one year older.</summary>
    public static DateOnly Birthday(DateOnly birth, int year) =>
        birth is { Month: 2, Day: 29 } && !DateTime.IsLeapYear(year) ? new DateOnly(year, 3, 1) : new DateOnly(year, birth.Month, birth.Day);
}
