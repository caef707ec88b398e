using System.Globalization;

namespace Pforte.Core.Common;

/// <summary>
/// A refusal with a stable code (see docs/errors.md) and the values its sentence needs.
/// The sentence itself comes from <see cref="ErrorTexts"/>, in German by default.
/// </summary>
public sealed record Error(string Code, params object[] Args)
{
    /// <summary>The German sentence for a person (staff, insured, operator).</summary>
    public string Message => ErrorTexts.Format(this, ErrorTexts.German);

    public string MessageIn(CultureInfo culture) => ErrorTexts.Format(this, culture);

    public override string ToString() => $"{Code}: {MessageIn(ErrorTexts.English)}";
}
