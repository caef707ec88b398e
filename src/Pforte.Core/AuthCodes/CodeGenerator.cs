using System.Globalization;
using System.Security.Cryptography;

namespace Pforte.Core.AuthCodes;

/// <summary>
/// Draws a code uniformly from the codes that pass every weak-code rule for this person: rejection sampling over
/// 0000–9999 with the operating system's cryptographic random source. About 13 % of draws are rejected, so a draw
/// costs ~1.15 tries on average.
/// </summary>
public sealed class CodeGenerator
{
    private readonly Func<int, int> _next;

    public CodeGenerator() : this(max => RandomNumberGenerator.GetInt32(max))
    {
    }

    /// <summary>For tests that need to steer the random source; production uses the parameterless constructor.</summary>
    internal CodeGenerator(Func<int, int> next) => _next = next;

    public string Generate(PersonFacts person)
    {
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var code = _next(10_000).ToString("D4", CultureInfo.InvariantCulture);
            if (WeakCodes.Check(code, person) is null)
            {
                return code;
            }
        }
        throw new InvalidOperationException("The random source produced only weak codes.");
    }
}
