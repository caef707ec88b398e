using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace Pforte.Portal;

/// <summary>
/// Short-lived state between the steps of a flow (sign-in, registration, a passkey ceremony) in cookies the browser
/// cannot read or forge: Data Protection with a time limit, HttpOnly, SameSite=Strict, on one surface's path. Ids only,
/// nothing secret. Shared by the portal and the workspace.
/// </summary>
public sealed class FlowCookieJar(HttpContext http, ITimeLimitedDataProtector protector, string path)
{
    public void Set<T>(string name, T value, TimeSpan lifetime) =>
        http.Response.Cookies.Append(name, protector.Protect(JsonSerializer.Serialize(value), lifetime), Options(lifetime));

    public T? Get<T>(string name) where T : class
    {
        if (!http.Request.Cookies.TryGetValue(name, out var value) || string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(protector.Unprotect(value));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // expired or not ours
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Clear(string name) => http.Response.Cookies.Delete(name, Options(TimeSpan.Zero));

    private CookieOptions Options(TimeSpan lifetime) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = path,
        MaxAge = lifetime,
        IsEssential = true,
    };
}
