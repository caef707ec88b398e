using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Pforte.Core.Accounts;

/// <summary>
/// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits — what every authenticator app
/// reads from an <c>otpauth://</c> URI). Written here rather than taken from Identity's authenticator provider because
/// that provider accepts the same code again for as long as it is valid and keeps the key in clear in the token table;
/// here the matched step is returned so that a code is accepted once (<see cref="PortalAccount.LastTotpStep"/>) and the
/// key is sealed (<see cref="SecretSealer"/>). ADR 0015. Tests check it against an independent implementation (Otp.NET).
/// </summary>
public static class Totp
{
    public const int Digits = 6;
    public const int StepSeconds = 30;
    public const int SecretBytes = 20;

    /// <summary>Steps before and after the current one that are accepted (clock drift of the phone).</summary>
    public const int Window = 1;

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    public static long StepAt(DateTimeOffset at) => at.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The step whose code matches, newer than <paramref name="lastAccepted"/>; null when none does.</summary>
    public static long? Match(ReadOnlySpan<byte> secret, string? code, DateTimeOffset now, long lastAccepted)
    {
        if (code is not { Length: Digits } || !code.All(char.IsAsciiDigit))
        {
            return null;
        }
        var current = StepAt(now);
        long? matched = null;
        // Every step of the window is computed and compared in constant time, whichever matches.
        for (var step = current - Window; step <= current + Window; step++)
        {
            var expected = Compute(secret, step);
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(code)) && step > lastAccepted)
            {
                matched ??= step;
            }
        }
        return matched;
    }

    public static string Compute(ReadOnlySpan<byte> secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 6238 / authenticator apps use HMAC-SHA1; its use as a MAC is not weakened by SHA-1 collisions.
        HMACSHA1.HashData(secret, counter, hash);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4648 base32 without padding, as authenticator apps expect the secret.</summary>
    public static string Base32(ReadOnlySpan<byte> data)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var sb = new StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0)
        {
            sb.Append(alphabet[(buffer << (5 - bits)) & 31]);
        }
        return sb.ToString();
    }

    /// <summary>The <c>otpauth://</c> URI an authenticator app reads from the QR code.</summary>
    public static string Uri(string issuer, string account, ReadOnlySpan<byte> secret) =>
        $"otpauth://totp/{System.Uri.EscapeDataString(issuer)}:{System.Uri.EscapeDataString(account)}?secret={Base32(secret)}&issuer={System.Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";
}
