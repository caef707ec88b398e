namespace Pforte.Portal;

public static partial class Texts
{
    /// <summary>Registration, sign-in, step-up, activation letter, security page (ADR 0015).</summary>
    public static readonly TextSet Accounts = new("Accounts");
}
