using Pforte.Core.Common;

namespace Pforte.Core.Letters;

/// <summary>
/// A letter's or print batch's id as staff type or scan it: the 32 hex digits printed on the letter (the reference
/// in its information block), with or without hyphens, any case, blanks around it ignored.
/// </summary>
public static class LetterReference
{
    public static Result<Guid> Parse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length is 32 or 36 && Guid.TryParseExact(trimmed, trimmed.Length == 32 ? "N" : "D", out var id) && id != Guid.Empty)
        {
            return id;
        }
        return new Error(ErrorCodes.WsLetterReferenceInvalid, Audit.ReadAuditEntries.Printable(trimmed));
    }
}
