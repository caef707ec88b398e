using Pforte.Core.AuthCodes;

namespace Pforte.Core.Tests.AuthCodes;

public sealed class WeakCodesTests
{
    private static readonly PersonFacts Person = new(new DateOnly(1984, 7, 23), "35037", "17a", "X110411675", "80276883110004817263");

    // Every example domain.md §6 names, with the family it belongs to.
    [Theory]
    [InlineData("1111", WeakCodes.RepeatedDigit)]
    [InlineData("1234", WeakCodes.Sequence)]
    [InlineData("9876", WeakCodes.Sequence)]
    [InlineData("0123", WeakCodes.Sequence)]
    [InlineData("7890", WeakCodes.Sequence)]
    [InlineData("1235", WeakCodes.NearSequence)]
    [InlineData("1245", WeakCodes.NearSequence)]
    [InlineData("1233", WeakCodes.NearSequence)]
    [InlineData("1212", WeakCodes.RepeatedPair)]
    [InlineData("1122", WeakCodes.DoubledDigits)]
    [InlineData("2255", WeakCodes.DoubledDigits)]
    [InlineData("1221", WeakCodes.Mirrored)]
    [InlineData("2580", WeakCodes.KeypadLine)]
    [InlineData("1470", WeakCodes.KeypadLine)]
    [InlineData("3690", WeakCodes.KeypadLine)]
    [InlineData("1590", WeakCodes.KeypadLine)]
    [InlineData("3570", WeakCodes.KeypadLine)]
    [InlineData("1379", WeakCodes.KeypadCornersOrCross)]
    [InlineData("1397", WeakCodes.KeypadCornersOrCross)]
    [InlineData("1793", WeakCodes.KeypadCornersOrCross)]
    [InlineData("2486", WeakCodes.KeypadCornersOrCross)]
    [InlineData("2684", WeakCodes.KeypadCornersOrCross)]
    [InlineData("1478", WeakCodes.KeypadStroke)]
    [InlineData("1472", WeakCodes.KeypadStroke)]
    [InlineData("3698", WeakCodes.KeypadStroke)]
    [InlineData("1596", WeakCodes.KeypadStroke)]
    [InlineData("2589", WeakCodes.KeypadStroke)]
    [InlineData("5683", WeakCodes.KeypadWord)]
    [InlineData("1337", WeakCodes.NumberSlang)]
    [InlineData("1984", WeakCodes.Year)]
    [InlineData("2031", WeakCodes.Year)]
    [InlineData("2412", WeakCodes.Date)]
    [InlineData("1224", WeakCodes.Date)]
    [InlineData("2902", WeakCodes.Date)]
    public void Domain_examples_are_rejected_by_their_rule(string code, string rule)
    {
        Assert.Equal(rule, WeakCodes.GeneralRule(code));
    }

    [Theory]
    [InlineData("2307", WeakCodes.Date)] // DDMM of the birth date is a date anyway
    [InlineData("8407", WeakCodes.BirthDate)] // YYMM
    [InlineData("0784", WeakCodes.BirthDate)] // MMYY
    [InlineData("3503", WeakCodes.PostalCode)]
    [InlineData("5037", WeakCodes.PostalCode)]
    [InlineData("0017", WeakCodes.HouseNumber)]
    [InlineData("1041", WeakCodes.KvnrDigits)]
    [InlineData("1675", WeakCodes.KvnrDigits)]
    [InlineData("3456", WeakCodes.Sequence)]
    [InlineData("8172", WeakCodes.CardDigits)]
    public void Personal_data_is_rejected(string code, string rule)
    {
        Assert.Equal(rule, WeakCodes.Check(code, Person));
    }

    [Theory]
    [InlineData("7405")]
    [InlineData("6917")]
    [InlineData("5038")]
    [InlineData("8052")]
    public void Ordinary_codes_pass(string code)
    {
        Assert.Null(WeakCodes.Check(code, Person));
    }

    [Fact]
    public void The_general_list_blocks_about_a_tenth_of_the_space()
    {
        Assert.InRange(WeakCodes.GeneralCount, 800, 1500);
    }

    [Fact]
    public void All_of_the_twenty_most_commonly_chosen_codes_are_blocked()
    {
        // The 20 most frequent 4-digit PINs in the DataGenetics analysis of leaked PINs (2012).
        string[] top20 =
        [
            "1234", "1111", "0000", "1212", "7777", "1004", "2000", "4444", "2222", "6969",
            "9999", "3333", "5555", "6666", "1122", "1313", "8888", "4321", "2001", "1010",
        ];
        var blocked = top20.Count(c => WeakCodes.GeneralRule(c) is not null);
        Assert.True(blocked == 20, $"only {blocked} of the 20 most common PINs blocked");
    }
}
