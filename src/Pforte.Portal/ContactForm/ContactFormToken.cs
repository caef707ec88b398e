using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Pforte.Core.ContactForm;

namespace Pforte.Portal.ContactForm;

/// <summary>
/// The contact form's time stamp, signed and encrypted with ASP.NET Data Protection: issued when the form is shown,
/// checked when it comes back. Sent faster than <see cref="ContactFormOptions.MinimumFillTime"/> (a script), older than
/// <see cref="ContactFormOptions.MaximumFillTime"/>, or not ours → refused (ADR 0022).
/// </summary>
public sealed class ContactFormToken(IDataProtectionProvider protection, IOptions<ContactFormOptions> options, TimeProvider clock)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Pforte.Portal.ContactForm.FillTime.v1");

    public string Issue() => _protector.Protect(clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Null when the token is good; otherwise which check refused it (<c>token</c>, <c>too-fast</c>).</summary>
    public string? Check(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1000)
        {
            return "token";
        }
        long issuedMs;
        try
        {
            if (!long.TryParse(_protector.Unprotect(token), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out issuedMs))
            {
                return "token";
            }
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return "token";
        }
        var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(issuedMs);
        if (age < options.Value.MinimumFillTime)
        {
            return "too-fast";
        }
        return age > options.Value.MaximumFillTime ? "token" : null;
    }
}
