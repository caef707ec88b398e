using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Insured;

/// <summary>
/// Sets how a Kasse's portal looks: a brand colour (white text on it must keep a contrast of at least 4.5:1,
/// WCAG 2.1 AA) and a PNG logo. Kept by operators with <c>pforte kasse branding</c>.
/// </summary>
public sealed class KasseBranding(PforteDbContext db, AuditLog audit)
{
    public const int MaxLogoBytes = 256 * 1024;

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Sets colour and logo; a null argument leaves that part as it is, an empty one removes it.</summary>
    public async Task<Result<Kasse>> ExecuteAsync(string ik, string? color, byte[]? logoPng, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (color is { Length: > 0 } && CheckColor(color) is { } colorError)
        {
            return colorError;
        }
        if (logoPng is { Length: > 0 } && !IsPng(logoPng))
        {
            return new Error(ErrorCodes.KasseLogoInvalid);
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var kasse = await db.Kassen.SingleOrDefaultAsync(k => k.Ik == ik, cancellationToken).ConfigureAwait(false);
        if (kasse is null)
        {
            return new Error(ErrorCodes.KasseUnknown, ik);
        }
        if (color is not null)
        {
            kasse.BrandColor = color.Length == 0 ? null : color.ToUpperInvariant();
        }
        if (logoPng is not null)
        {
            kasse.LogoPng = logoPng.Length == 0 ? null : logoPng;
        }
        await audit.AppendAsync(kasse.Id, context, new AuditEvent(AuditAction.KasseBrandingChanged, AuditOutcome.Success,
            Details: $"{{\"color\":\"{kasse.BrandColor}\",\"logoBytes\":{kasse.LogoPng?.Length ?? 0}}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return kasse;
    }

    /// <summary>Null when <paramref name="color"/> is a <c>#RRGGBB</c> colour white text can stand on.</summary>
    public static Error? CheckColor(string color)
    {
        if (color.Length != 7 || color[0] != '#' || !color.AsSpan(1).ContainsOnlyHex())
        {
            return new Error(ErrorCodes.KasseBrandColorInvalid);
        }
        var contrast = ContrastWithWhite(color);
        return contrast < 4.5
            ? new Error(ErrorCodes.KasseBrandColorContrast, color, Math.Floor(contrast * 10) / 10)
            : null;
    }

    /// <summary>WCAG 2.1 contrast ratio of white on <paramref name="color"/> (#RRGGBB).</summary>
    public static double ContrastWithWhite(string color)
    {
        ArgumentNullException.ThrowIfNull(color);
        double Channel(int at)
        {
            var c = int.Parse(color.AsSpan(at, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        var luminance = 0.2126 * Channel(1) + 0.7152 * Channel(3) + 0.0722 * Channel(5);
        return 1.05 / (luminance + 0.05);
    }

    public static bool IsPng(byte[] bytes) =>
        bytes is { Length: > 8 and <= MaxLogoBytes } && bytes.AsSpan(0, 8).SequenceEqual(PngSignature);
}

file static class HexSpan
{
    public static bool ContainsOnlyHex(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
