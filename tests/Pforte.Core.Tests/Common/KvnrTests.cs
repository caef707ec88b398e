using Pforte.Core.Common;

namespace Pforte.Core.Tests.Common;

public sealed class KvnrTests
{
    [Theory]
    [InlineData("A123456780")]
    [InlineData("X110411675")]
    [InlineData("X110629641")]
    [InlineData("X110485291")]
    [InlineData("X123456788")]
    public void Domain_test_vectors_are_valid(string input)
    {
        var result = Kvnr.Parse(input);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(input, result.Value.Value);
    }

    [Theory]
    [InlineData("X123456789", ErrorCodes.KvnrCheckDigit)]
    [InlineData("X110987654", ErrorCodes.KvnrCheckDigit)]
    [InlineData("G995030567", ErrorCodes.KvnrCheckDigit)]
    [InlineData("a123456780", ErrorCodes.KvnrLowerCase)]
    [InlineData("A12345678", ErrorCodes.KvnrLength)]
    [InlineData("A1234567801", ErrorCodes.KvnrLength)]
    [InlineData("", ErrorCodes.KvnrMissing)]
    [InlineData(null, ErrorCodes.KvnrMissing)]
    [InlineData(" A123456780", ErrorCodes.KvnrWhitespace)]
    [InlineData("A123456780 ", ErrorCodes.KvnrWhitespace)]
    [InlineData("A12345 780", ErrorCodes.KvnrWhitespace)]
    [InlineData("A123456780\t", ErrorCodes.KvnrWhitespace)]
    [InlineData("A12345678\u0660", ErrorCodes.KvnrCharacter)] // Arabic-Indic zero: a digit, but not ASCII
    [InlineData("A１23456780", ErrorCodes.KvnrCharacter)] // full-width one
    [InlineData("Ä123456780", ErrorCodes.KvnrCharacter)]
    [InlineData("1123456780", ErrorCodes.KvnrCharacter)]
    [InlineData("AB23456780", ErrorCodes.KvnrCharacter)]
    public void Invalid_input_is_refused_with_a_specific_code(string? input, string code)
    {
        var result = Kvnr.Parse(input);
        Assert.False(result.IsSuccess);
        Assert.Equal(code, result.Error!.Code);
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
        Assert.DoesNotContain("PF-", result.Error.Message);
    }

    [Fact]
    public void Every_generated_kvnr_parses()
    {
        var random = new Random(4711);
        for (var i = 0; i < 20_000; i++)
        {
            var kvnr = Kvnr.Create((char)('A' + random.Next(26)), random.Next(100_000_000));
            Assert.True(Kvnr.Parse(kvnr.Value).IsSuccess, kvnr.Value);
        }
    }

    [Fact]
    public void Changing_any_single_digit_is_detected()
    {
        var random = new Random(815);
        for (var i = 0; i < 500; i++)
        {
            var valid = Kvnr.Create((char)('A' + random.Next(26)), random.Next(100_000_000)).Value;
            for (var position = 1; position < Kvnr.Length; position++)
            {
                for (var digit = '0'; digit <= '9'; digit++)
                {
                    if (valid[position] == digit)
                    {
                        continue;
                    }
                    var changed = string.Concat(valid.AsSpan(0, position), digit.ToString(), valid.AsSpan(position + 1));
                    var result = Kvnr.Parse(changed);
                    Assert.False(result.IsSuccess, $"{valid} -> {changed} was accepted");
                    Assert.Equal(ErrorCodes.KvnrCheckDigit, result.Error!.Code);
                }
            }
        }
    }

    [Fact]
    public void Check_digit_follows_the_published_algorithm()
    {
        // A=01: digits 0 1 1 2 3 4 5 6 7 8, weights 1 2 1 2 …, digit sums 0 2 1 4 3 8 5 3 7 7 = 40 → 0
        Assert.Equal(0, Kvnr.CheckDigit('A', "12345678"));
    }
}
