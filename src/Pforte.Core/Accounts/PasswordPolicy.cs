using System.Reflection;
using Pforte.Core.Common;

namespace Pforte.Core.Accounts;

/// <summary>
/// Passwords per OWASP ASVS V6 / NIST SP 800-63B: at least 10 characters, at most 128, every character allowed (no
/// composition rules), and none of the most common passwords (a shipped list, compared case-folded) nor one that
/// contains the user name or the KVNR. The refusal says why in German.
/// </summary>
public static class PasswordPolicy
{
    public const int MaxLength = 128;

    private static readonly Lazy<HashSet<string>> Common = new(Load);

    /// <summary>Number of entries of the shipped list (a test checks that it is loaded).</summary>
    public static int CommonCount => Common.Value.Count;

    public static Error? Check(string? password, int minLength, string? userName, string? kvnr)
    {
        if (string.IsNullOrEmpty(password) || password.Length < minLength)
        {
            return new Error(ErrorCodes.AccountPasswordTooShort, minLength);
        }
        if (password.Length > MaxLength)
        {
            return new Error(ErrorCodes.AccountPasswordTooLong, MaxLength);
        }
        if (IsCommon(password))
        {
            return new Error(ErrorCodes.AccountPasswordCommon);
        }
        foreach (var part in new[] { userName, kvnr })
        {
            if (part is { Length: >= 3 } && password.Contains(part, StringComparison.OrdinalIgnoreCase))
            {
                return new Error(ErrorCodes.AccountPasswordContainsName);
            }
        }
        return null;
    }

    public static bool IsCommon(string password) => Common.Value.Contains(password.ToLowerInvariant());

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Pforte.Core.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line.ToLowerInvariant());
            }
        }
        return set;
    }
}
