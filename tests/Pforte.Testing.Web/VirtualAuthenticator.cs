using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Playwright;

namespace Pforte.Testing.Web;

/// <summary>A passkey as the virtual authenticator holds it (DevTools WebAuthn domain; ids and keys in standard base64).</summary>
public sealed record AuthenticatorCredential(string CredentialId, string RpId, string PrivateKey, string? UserHandle, int SignCount);

/// <summary>
/// A virtual authenticator in a page's browser (DevTools WebAuthn domain): a platform authenticator with resident keys and
/// user verification that answers at once, as a phone with fingerprint would. It can list its passkeys and take passkeys
/// made elsewhere (another account's, another site's, a copy with a changed user handle).
/// </summary>
public sealed class VirtualAuthenticator
{
    private VirtualAuthenticator(ICDPSession session, string id)
    {
        Session = session;
        Id = id;
    }

    public ICDPSession Session { get; }

    public string Id { get; }

    public static async Task<VirtualAuthenticator> AddAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        var added = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return new VirtualAuthenticator(cdp, added!.Value.GetProperty("authenticatorId").GetString()!);
    }

    /// <summary>The passkeys the authenticator holds now.</summary>
    public async Task<IReadOnlyList<AuthenticatorCredential>> CredentialsAsync()
    {
        var result = await Session.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = Id });
        return [.. result!.Value.GetProperty("credentials").EnumerateArray().Select(c => new AuthenticatorCredential(
            c.GetProperty("credentialId").GetString()!,
            c.GetProperty("rpId").GetString()!,
            c.GetProperty("privateKey").GetString()!,
            c.TryGetProperty("userHandle", out var handle) && handle.ValueKind == JsonValueKind.String ? handle.GetString() : null,
            c.GetProperty("signCount").GetInt32()))];
    }

    /// <summary>Puts a passkey into the authenticator (a discoverable one).</summary>
    public async Task AddCredentialAsync(AuthenticatorCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var value = new Dictionary<string, object>
        {
            ["credentialId"] = credential.CredentialId,
            ["isResidentCredential"] = true,
            ["rpId"] = credential.RpId,
            ["privateKey"] = credential.PrivateKey,
            ["signCount"] = credential.SignCount,
        };
        if (credential.UserHandle is not null)
        {
            value["userHandle"] = credential.UserHandle;
        }
        await Session.SendAsync("WebAuthn.addCredential", new Dictionary<string, object> { ["authenticatorId"] = Id, ["credential"] = value });
    }

    /// <summary>A passkey never registered anywhere: a new P-256 key for <paramref name="rpId"/> and user handle <paramref name="userId"/>.</summary>
    public static AuthenticatorCredential NewCredential(string rpId, string userId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new AuthenticatorCredential(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), rpId,
            Convert.ToBase64String(key.ExportPkcs8PrivateKey()), Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(userId)), 0);
    }
}
