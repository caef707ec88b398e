using System.Security.Cryptography;
using System.Text;

namespace Pforte.Core.Accounts;

/// <summary>
/// A one-time activation code sent by letter ("Aktivierungsbrief", ADR 0015): registers the person in the portal
/// without the authentication code. Only its keyed hash is stored (like codes, <c>CodeHasher</c>); the clear code is
/// sealed in its letter until the print hand-over. Usable once, after the hand-over, for
/// <see cref="ActivationCode.Validity"/>.
/// </summary>
public sealed class PortalActivation
{
    public Guid Id { get; set; }

    public Guid KasseId { get; set; }

    public Guid PersonId { get; set; }

    public Guid LetterId { get; set; }

    public required byte[] CodeHash { get; set; }

    public int KeyVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>Wrong codes given with the right KVNR and card; at <see cref="ActivationCode.MaxFailures"/> the code is void.</summary>
    public int Failures { get; set; }
}

/// <summary>The activation code: 12 characters of an alphabet without look-alikes (60 bits), printed in groups of four.</summary>
public static class ActivationCode
{
    public const int Length = 12;
    public const int MaxFailures = 5;

    /// <summary>Issue 12: valid 60 days.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(60);

    /// <summary>No 0/O, 1/I: a code read off paper is typed right.</summary>
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static string New()
    {
        var sb = new StringBuilder(Length);
        for (var i = 0; i < Length; i++)
        {
            sb.Append(Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]);
        }
        return sb.ToString();
    }

    /// <summary>Upper-cases and drops spaces and hyphens; null when the rest is not 12 characters of the alphabet.</summary>
    public static string? Normalize(string? input)
    {
        if (input is null)
        {
            return null;
        }
        var sb = new StringBuilder(Length);
        foreach (var c in input)
        {
            if (c is ' ' or '-')
            {
                continue;
            }
            var upper = char.ToUpperInvariant(c);
            if (!Alphabet.Contains(upper, StringComparison.Ordinal) || sb.Length == Length)
            {
                return null;
            }
            sb.Append(upper);
        }
        return sb.Length == Length ? sb.ToString() : null;
    }
}
