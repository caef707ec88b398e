using Pforte.Core.AuthCodes;
using Pforte.Core.Common;

namespace Pforte.Core.Tests.Common;

public sealed class TextInputTests
{
    [Theory]
    [InlineData("a\0b", 2)]
    [InlineData("\tab", 1)]
    [InlineData("ab\n", 3)]
    [InlineData("a\u001bb", 2)]
    [InlineData("a\u007fb", 2)]
    [InlineData("a\u0080b", 2)]
    [InlineData("a\u009fb", 2)]
    [InlineData("a\u202eb", 2)]
    [InlineData("a\u2066b", 2)]
    [InlineData("a\u2028b", 2)]
    [InlineData("a\uffffb", 2)]
    public void Forbidden_characters_are_refused_naming_the_field_and_position(string value, int position)
    {
        var error = TextInput.Check("familyName", value, 100);
        Assert.NotNull(error);
        Assert.Equal(ErrorCodes.InputForbiddenCharacter, error.Code);
        Assert.Contains("familyName", error.Message, StringComparison.Ordinal);
        Assert.Equal(position, error.Args[1]);
    }

    [Fact]
    public void Lone_surrogates_are_refused()
    {
        // In code, not in attributes: attribute strings are stored as UTF-8, where a lone surrogate cannot exist.
        foreach (var (value, position) in new[] { ("a\ud800b", 2), ("a\udc00b", 2), ("ab\ud83d", 3), ("\ude00\ud83d", 1) })
        {
            var error = TextInput.Check("familyName", value, 100);
            Assert.Equal(ErrorCodes.InputForbiddenCharacter, error?.Code);
            Assert.Equal(position, error!.Args[1]);
        }
        Assert.Null(TextInput.Check("familyName", "ok \ud83d\ude00", 100));
    }

    [Theory]
    [InlineData("Müller")]
    [InlineData("😀 Emoji")]
    [InlineData("Łódź – Straße № 5")]
    [InlineData("\u200dzero-width joiner stays")]
    public void Ordinary_text_passes(string value) => Assert.Null(TextInput.Check("x", value, 100));

    [Fact]
    public void Values_are_trimmed_and_normalised_to_NFC()
    {
        Assert.Equal("Müller", TextInput.Required("familyName", "  Mu\u0308ller ", 100).Value);
        Assert.Null(TextInput.Optional("familyName", "   ", 100).Value);
        Assert.Equal(ErrorCodes.FieldRequired, TextInput.Required("familyName", " ", 100).Error!.Code);
    }

    [Fact]
    public void Length_is_counted_after_trimming_and_normalisation()
    {
        Assert.True(TextInput.Required("x", "  " + new string('a', 10) + "  ", 10).IsSuccess);
        Assert.Equal(ErrorCodes.FieldTooLong, TextInput.Required("x", new string('a', 11), 10).Error!.Code);
        Assert.Equal(ErrorCodes.FieldTooLong, TextInput.Required("x", new string('a', 60_000), 10).Error!.Code);
    }

    [Fact]
    public void Echo_never_repeats_a_forbidden_character_and_is_short() =>
        Assert.Equal("a?b?" + new string('x', 28) + "…", TextInput.Echo("a\0b\ud800" + new string('x', 40)));

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("::FFFF:CB00:7107", "203.0.113.7")]
    [InlineData("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    public void IP_addresses_are_written_canonically(string given, string canonical) =>
        Assert.Equal(canonical, MachineSource.NormalizeIp(given).Value);

    [Theory]
    [InlineData("203.000.113.007")]
    [InlineData("1")]
    [InlineData("127.1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("256.0.0.1")]
    [InlineData(" 203.0.113.7")]
    [InlineData("203.0.113.7:80")]
    [InlineData("[2001:db8::1]")]
    [InlineData("fe80::1%eth0")]
    [InlineData("' OR 1=1;--")]
    [InlineData("203.0.113.7\0")]
    public void Anything_else_is_not_an_address(string given) =>
        Assert.Equal(ErrorCodes.InputIpAddress, MachineSource.NormalizeIp(given).Error?.Code);

    [Theory]
    [InlineData("+4964211234", "+4964211234")]
    [InlineData("+49 (6421) 12-34", "+4964211234")]
    [InlineData("0049 6421 1234", "+4964211234")]
    [InlineData("06421/1234", "+4964211234")]
    [InlineData("+1 202 555 0100", "+12025550100")]
    public void Calling_numbers_are_written_in_international_form(string given, string canonical) =>
        Assert.Equal(canonical, MachineSource.NormalizeCallerId(given).Value);

    [Theory]
    [InlineData("anonymous")]
    [InlineData("+")]
    [InlineData("4964211234")]
    [InlineData("+49 64a1")]
    [InlineData("+0049")]
    [InlineData("+12")]
    [InlineData("+1234567890123456")]
    [InlineData("0 0")]
    public void Anything_else_is_not_a_calling_number(string given) =>
        Assert.Equal(ErrorCodes.InputCallerId, MachineSource.NormalizeCallerId(given).Error?.Code);

    [Fact]
    public void Throttling_keys_are_per_Kasse_and_IPv6_counts_by_its_64_block()
    {
        var a = Guid.CreateVersion7();
        var b = Guid.CreateVersion7();
        var client = Guid.CreateVersion7();
        Assert.NotEqual(SourceThrottle.KeysFor(a, null, "203.0.113.7", client)[0], SourceThrottle.KeysFor(b, null, "203.0.113.7", client)[0]);
        Assert.Equal(SourceThrottle.KeysFor(a, null, "2001:db8:1:2::1", client)[0], SourceThrottle.KeysFor(a, null, "2001:db8:1:2:ffff::9", client)[0]);
        Assert.NotEqual(SourceThrottle.KeysFor(a, null, "2001:db8:1:2::1", client)[0], SourceThrottle.KeysFor(a, null, "2001:db8:1:3::1", client)[0]);
    }
}
