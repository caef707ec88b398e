using Pforte.Core.Common;
using Pforte.Core.Disclosure;

namespace Pforte.Core.Tests.Disclosure;

public sealed class OutboundGuardTests
{
    private static readonly OutboundGuard Guard = new(null!, new DisclosurePolicy(new DisclosureOptions()), null!);

    [Theory]
    [InlineData("email", true, ErrorCodes.DisclosureNoPersonalDataOnChannel)]
    [InlineData("chat", true, ErrorCodes.DisclosureNoPersonalDataOnChannel)]
    [InlineData("fax", true, ErrorCodes.DisclosureNoPersonalDataOnChannel)]
    [InlineData("fax", false, ErrorCodes.DisclosureNothingOutbound)]
    [InlineData("contact-form", true, ErrorCodes.DisclosureNoPersonalDataOnChannel)]
    [InlineData("email", false, null)]
    [InlineData("chat", false, null)]
    [InlineData("portal", true, null)]
    [InlineData("letter", true, null)]
    [InlineData("phone", true, null)]
    [InlineData("in-person", true, null)]
    public void Personal_content_leaves_only_on_safe_channels(string channel, bool personal, string? refusal)
    {
        var result = Guard.Check(new OutboundMessage(channel, personal, null, null, "test"));
        Assert.Equal(refusal, result.Error?.Code);
    }

    [Fact]
    public void The_refusal_recommends_the_portal()
    {
        var error = Guard.Check(new OutboundMessage("email", true, null, null, "Leistungsbescheid")).Error!;
        Assert.StartsWith("Über E-Mail dürfen wir keine personenbezogenen Daten senden", error.Message, StringComparison.Ordinal);
        Assert.Contains("möglich über: Onlineportal mit Postfach", error.Message, StringComparison.Ordinal);
    }
}
