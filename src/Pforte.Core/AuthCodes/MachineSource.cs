using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Pforte.Core.Common;

namespace Pforte.Core.AuthCodes;

/// <summary>
/// The source of a machine attempt — the caller's number (IVR) or the end user's IP address (portal back end) — as
/// the API client asserts it. Pforte cannot check it: it is trusted input from an authenticated client, and the
/// client must send what it saw (docs/api.md, docs/guessing.md). What Pforte can do is make one source one key: a
/// value is parsed strictly and written in one canonical form, so that spellings of the same address or number do
/// not each get a fresh throttling budget, and anything that is not an address or a number is refused (400), never
/// stored.
/// </summary>
public static class MachineSource
{
    public const string CallerIdField = "source.callerId";
    public const string CallIdField = "source.callId";
    public const string IpField = "source.ip";
    public const int MaxCallIdLength = 128;

    /// <summary>
    /// An IP address in its canonical form: IPv4 as four decimal numbers 0–255 without leading zeros ("203.0.113.7";
    /// "203.000.113.007", "1", "0x7f.1" are refused); IPv6 in RFC 5952 form (lower case, "::" compressed), an
    /// IPv4-mapped IPv6 address (::ffff:203.0.113.7) as the IPv4 address it is; no zone ("%eth0"), no port, no
    /// brackets, no whitespace. Null or empty → null (no address given).
    /// </summary>
    public static Result<string?> NormalizeIp(string? value, string field = IpField)
    {
        if (string.IsNullOrEmpty(value))
        {
            return (string?)null;
        }
        if (value.Length > 45 || TextInput.FirstForbidden(value) is not null)
        {
            return new Error(ErrorCodes.InputIpAddress, field);
        }
        if (!value.Contains(':', StringComparison.Ordinal))
        {
            return IsStrictIPv4(value) ? value : new Error(ErrorCodes.InputIpAddress, field);
        }
        if (value.Contains('%', StringComparison.Ordinal) || value.Contains('[', StringComparison.Ordinal)
            || !IPAddress.TryParse(value, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return new Error(ErrorCodes.InputIpAddress, field);
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }
        return address.ToString();
    }

    private static bool IsStrictIPv4(string value)
    {
        var parts = value.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0')
                || int.Parse(part, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A calling number in international form "+" and 3–15 digits (E.164). Accepted spellings: "+49 30 1234567",
    /// "0049301234567" (international prefix 00), "030 1234567" (national, German: leading 0 → +49); spaces, hyphens,
    /// slashes, dots and parentheses between digits are dropped. Anything else — letters, "anonymous", a lone "+",
    /// digits without a prefix — is refused: a withheld number is sent as no caller id. Null or empty → null.
    /// </summary>
    public static Result<string?> NormalizeCallerId(string? value, string field = CallerIdField)
    {
        if (string.IsNullOrEmpty(value))
        {
            return (string?)null;
        }
        if (value.Length > 40 || TextInput.FirstForbidden(value) is not null)
        {
            return new Error(ErrorCodes.InputCallerId, field);
        }
        var kept = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsAsciiDigit(c) || (c == '+' && i == 0))
            {
                kept.Append(c);
            }
            else if (c is not (' ' or '-' or '/' or '.' or '(' or ')'))
            {
                return new Error(ErrorCodes.InputCallerId, field);
            }
        }
        var text = kept.ToString();
        string digits;
        if (text.StartsWith('+'))
        {
            digits = text[1..];
        }
        else if (text.StartsWith("00", StringComparison.Ordinal))
        {
            digits = text[2..];
        }
        else if (text.StartsWith('0'))
        {
            digits = "49" + text[1..];
        }
        else
        {
            return new Error(ErrorCodes.InputCallerId, field);
        }
        if (digits.Length is < 3 or > 15 || digits[0] == '0')
        {
            return new Error(ErrorCodes.InputCallerId, field);
        }
        return "+" + digits;
    }

    /// <summary>
    /// The attempt with its source checked and in canonical form — in the request (throttling keys) and in the audit
    /// context (what the record shows) — or the refusal naming the field. Also checks what the use case relies on
    /// from the request itself (channel, code and card syntax), so that a caller other than the API cannot pass
    /// anything else.
    /// </summary>
    public static Result<VerifyAttempt> Normalize(VerifyAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var request = attempt.Request;
        if (!MachineChannels.IsKnown(request.Channel))
        {
            return new Error(ErrorCodes.MachineAuthChannel, TextInput.Echo(request.Channel));
        }
        if (request.Code is not { Length: 4 } || !request.Code.All(char.IsAsciiDigit))
        {
            return new Error(ErrorCodes.MachineAuthCodeFormat);
        }
        if (request.CardNumber is not { Length: >= 5 and <= CardNumber.Length } || !request.CardNumber.All(char.IsAsciiDigit))
        {
            return new Error(ErrorCodes.MachineAuthCardFormat, request.CardNumber?.Length ?? 0);
        }
        if (!NormalizeCallerId(request.CallerId).TryGetValue(out var callerId, out var error)
            || !TextInput.Optional(CallIdField, request.CallId, MaxCallIdLength).TryGetValue(out var callId, out error)
            || !NormalizeIp(request.Ip).TryGetValue(out var ip, out error))
        {
            return error;
        }
        if (callerId == request.CallerId && callId == request.CallId && ip == request.Ip
            && attempt.Context.SourceCallerId == callerId && attempt.Context.SourceCallId == callId && (ip is null || attempt.Context.SourceIp == ip))
        {
            return attempt;
        }
        return new VerifyAttempt(attempt.KasseId, attempt.ClientId, request with { CallerId = callerId, CallId = callId, Ip = ip },
            attempt.Context with { SourceCallerId = callerId, SourceCallId = callId, SourceIp = ip ?? attempt.Context.SourceIp }) { Binding = attempt.Binding };
    }
}
