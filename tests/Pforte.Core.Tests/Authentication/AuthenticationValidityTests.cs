using Pforte.Core.Authentication;

namespace Pforte.Core.Tests.Authentication;

/// <summary>The validities of written and in-person authentications have ranges like the other methods (docs/disclosure.md).</summary>
public sealed class AuthenticationValidityTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new WrittenAuthenticationOptionsValidator().Validate(null, new WrittenAuthenticationOptions()).Succeeded);
    }

    [Theory]
    [InlineData("AuthenticationValidity", "00:00:00")]
    [InlineData("AuthenticationValidity", "-1.00:00:00")]
    [InlineData("AuthenticationValidity", "91.00:00:00")]
    [InlineData("InPersonValidity", "00:00:30")]
    [InlineData("InPersonValidity", "12:00:01")]
    public void A_validity_outside_its_range_stops_the_start_naming_the_key(string key, string value)
    {
        var options = new WrittenAuthenticationOptions();
        var span = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        if (key == "InPersonValidity")
        {
            options.InPersonValidity = span;
        }
        else
        {
            options.AuthenticationValidity = span;
        }
        var result = new WrittenAuthenticationOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains($"Pforte:WrittenAuthentication:{key}", result.FailureMessage, StringComparison.Ordinal);
    }
}
