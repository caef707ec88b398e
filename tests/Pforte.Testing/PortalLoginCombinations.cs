namespace Pforte.Testing;

/// <summary>
/// Every combination of the portal's login factors (each given once) and what it must give with the default settings,
/// written out from the rules in docs/disclosure.md — not derived from the code under test: eID or eGK with
/// PIN (card + PIN, two factors each) → hoch; password + TOTP, SMS-TAN or app → substantiell; one factor alone →
/// PF-AUTH-015; only possession factors → PF-AUTH-016; a passkey (device + its PIN or biometrics, user verification
/// required) is two factors on its own → substantiell, hoch with eID or eGK. Used by the rule tests (Core) and the API tests (Web).
/// </summary>
public static class PortalLoginCombinations
{
    // factors : level or error code
    private const string Table = """
        password                              : PF-AUTH-015
        totp                                  : PF-AUTH-015
        sms-tan                               : PF-AUTH-015
        app                                   : PF-AUTH-015
        egk-pin                               : hoch
        eid                                   : hoch
        password totp                         : substantiell
        password sms-tan                      : substantiell
        password app                          : substantiell
        password egk-pin                      : hoch
        password eid                          : hoch
        totp sms-tan                          : PF-AUTH-016
        totp app                              : PF-AUTH-016
        totp egk-pin                          : hoch
        totp eid                              : hoch
        sms-tan app                           : PF-AUTH-016
        sms-tan egk-pin                       : hoch
        sms-tan eid                           : hoch
        app egk-pin                           : hoch
        app eid                               : hoch
        egk-pin eid                           : hoch
        password totp sms-tan                 : substantiell
        password totp app                     : substantiell
        password totp egk-pin                 : hoch
        password totp eid                     : hoch
        password sms-tan app                  : substantiell
        password sms-tan egk-pin              : hoch
        password sms-tan eid                  : hoch
        password app egk-pin                  : hoch
        password app eid                      : hoch
        password egk-pin eid                  : hoch
        totp sms-tan app                      : PF-AUTH-016
        totp sms-tan egk-pin                  : hoch
        totp sms-tan eid                      : hoch
        totp app egk-pin                      : hoch
        totp app eid                          : hoch
        totp egk-pin eid                      : hoch
        sms-tan app egk-pin                   : hoch
        sms-tan app eid                       : hoch
        sms-tan egk-pin eid                   : hoch
        app egk-pin eid                       : hoch
        password totp sms-tan app             : substantiell
        password totp sms-tan egk-pin         : hoch
        password totp sms-tan eid             : hoch
        password totp app egk-pin             : hoch
        password totp app eid                 : hoch
        password totp egk-pin eid             : hoch
        password sms-tan app egk-pin          : hoch
        password sms-tan app eid              : hoch
        password sms-tan egk-pin eid          : hoch
        password app egk-pin eid              : hoch
        totp sms-tan app egk-pin              : hoch
        totp sms-tan app eid                  : hoch
        totp sms-tan egk-pin eid              : hoch
        totp app egk-pin eid                  : hoch
        sms-tan app egk-pin eid               : hoch
        password totp sms-tan app egk-pin     : hoch
        password totp sms-tan app eid         : hoch
        password totp sms-tan egk-pin eid     : hoch
        password totp app egk-pin eid         : hoch
        password sms-tan app egk-pin eid      : hoch
        totp sms-tan app egk-pin eid          : hoch
        password totp sms-tan app egk-pin eid : hoch
        passkey                                       : substantiell
        password passkey                              : substantiell
        totp passkey                                  : substantiell
        sms-tan passkey                               : substantiell
        app passkey                                   : substantiell
        egk-pin passkey                               : hoch
        eid passkey                                   : hoch
        password totp passkey                         : substantiell
        password sms-tan passkey                      : substantiell
        password app passkey                          : substantiell
        password egk-pin passkey                      : hoch
        password eid passkey                          : hoch
        totp sms-tan passkey                          : substantiell
        totp app passkey                              : substantiell
        totp egk-pin passkey                          : hoch
        totp eid passkey                              : hoch
        sms-tan app passkey                           : substantiell
        sms-tan egk-pin passkey                       : hoch
        sms-tan eid passkey                           : hoch
        app egk-pin passkey                           : hoch
        app eid passkey                               : hoch
        egk-pin eid passkey                           : hoch
        password totp sms-tan passkey                 : substantiell
        password totp app passkey                     : substantiell
        password totp egk-pin passkey                 : hoch
        password totp eid passkey                     : hoch
        password sms-tan app passkey                  : substantiell
        password sms-tan egk-pin passkey              : hoch
        password sms-tan eid passkey                  : hoch
        password app egk-pin passkey                  : hoch
        password app eid passkey                      : hoch
        password egk-pin eid passkey                  : hoch
        totp sms-tan app passkey                      : substantiell
        totp sms-tan egk-pin passkey                  : hoch
        totp sms-tan eid passkey                      : hoch
        totp app egk-pin passkey                      : hoch
        totp app eid passkey                          : hoch
        totp egk-pin eid passkey                      : hoch
        sms-tan app egk-pin passkey                   : hoch
        sms-tan app eid passkey                       : hoch
        sms-tan egk-pin eid passkey                   : hoch
        app egk-pin eid passkey                       : hoch
        password totp sms-tan app passkey             : substantiell
        password totp sms-tan egk-pin passkey         : hoch
        password totp sms-tan eid passkey             : hoch
        password totp app egk-pin passkey             : hoch
        password totp app eid passkey                 : hoch
        password totp egk-pin eid passkey             : hoch
        password sms-tan app egk-pin passkey          : hoch
        password sms-tan app eid passkey              : hoch
        password sms-tan egk-pin eid passkey          : hoch
        password app egk-pin eid passkey              : hoch
        totp sms-tan app egk-pin passkey              : hoch
        totp sms-tan app eid passkey                  : hoch
        totp sms-tan egk-pin eid passkey              : hoch
        totp app egk-pin eid passkey                  : hoch
        sms-tan app egk-pin eid passkey               : hoch
        password totp sms-tan app egk-pin passkey     : hoch
        password totp sms-tan app eid passkey         : hoch
        password totp sms-tan egk-pin eid passkey     : hoch
        password totp app egk-pin eid passkey         : hoch
        password sms-tan app egk-pin eid passkey      : hoch
        totp sms-tan app egk-pin eid passkey          : hoch
        password totp sms-tan app egk-pin eid passkey : hoch
        """;

    public static IReadOnlyList<(string[] Factors, string Expected)> All { get; } = Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(line => line.Split(':', StringSplitOptions.TrimEntries))
        .Select(parts => (parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), parts[1]))
        .ToList();

    /// <summary>For <c>[MemberData]</c>: factors joined by spaces, expected level or code.</summary>
    public static IEnumerable<object[]> Rows => All.Select(r => new object[] { string.Join(' ', r.Factors), r.Expected });
}
