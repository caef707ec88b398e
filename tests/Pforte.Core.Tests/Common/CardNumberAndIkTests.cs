using Pforte.Core.Common;

namespace Pforte.Core.Tests.Common;

public sealed class CardNumberAndIkTests
{
    [Fact]
    public void A_test_card_number_parses_and_knows_its_issuer()
    {
        var result = CardNumber.Parse("80276883110000123456");
        Assert.True(result.IsSuccess);
        Assert.Equal("88311", result.Value.Issuer);
        Assert.True(result.Value.IsTestCard);
    }

    [Theory]
    [InlineData(null, ErrorCodes.CardMissing)]
    [InlineData("", ErrorCodes.CardMissing)]
    [InlineData("8027688311000012345", ErrorCodes.CardLength)]
    [InlineData("802768831100001234567", ErrorCodes.CardLength)]
    [InlineData("80276 883110000123456", ErrorCodes.CardWhitespace)]
    [InlineData("8027688311000012345X", ErrorCodes.CardCharacter)]
    [InlineData("8027688311000012345\u0663", ErrorCodes.CardCharacter)]
    [InlineData("80277883110000123456", ErrorCodes.CardNotEgk)]
    [InlineData("12345678901234567890", ErrorCodes.CardNotEgk)]
    public void Invalid_card_numbers_are_refused(string? input, string code)
    {
        var result = CardNumber.Parse(input);
        Assert.False(result.IsSuccess);
        Assert.Equal(code, result.Error!.Code);
    }

    [Fact]
    public void Created_card_numbers_round_trip()
    {
        var card = CardNumber.Create(88301, 42);
        Assert.Equal("80276883010000000042", card.Value);
        Assert.True(CardNumber.Parse(card.Value).IsSuccess);
    }

    [Fact]
    public void Ik_example_from_the_domain_has_check_digit_2()
    {
        Assert.Equal(2, Ik.CheckDigit("26032682"));
        Assert.True(Ik.Parse("260326822").IsSuccess);
        Assert.Equal("260326822", Ik.Create("26032682").Value);
    }

    [Theory]
    [InlineData("260326821", ErrorCodes.IkCheckDigit)]
    [InlineData("26032682", ErrorCodes.IkLength)]
    [InlineData("2603268222", ErrorCodes.IkLength)]
    [InlineData("26032682a", ErrorCodes.IkCharacter)]
    [InlineData(" 260326822", ErrorCodes.IkWhitespace)]
    [InlineData("", ErrorCodes.IkMissing)]
    public void Invalid_iks_are_refused(string input, string code)
    {
        Assert.Equal(code, Ik.Parse(input).Error!.Code);
    }

    [Fact]
    public void Ik_check_digit_ignores_the_first_two_digits()
    {
        // Only positions 3–8 count: changing position 1 or 2 keeps the check digit.
        Assert.Equal(Ik.CheckDigit("26032682"), Ik.CheckDigit("99032682"));
        Assert.NotEqual(Ik.CheckDigit("26032682"), Ik.CheckDigit("26132682"));
    }
}
