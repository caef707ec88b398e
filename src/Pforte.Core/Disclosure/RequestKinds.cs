namespace Pforte.Core.Disclosure;

/// <summary>
/// Identifiers of request kinds (Anliegen) as the API, the configuration and integrators use them. Their protection
/// needs and channels are the disclosure capability's business (issue 5); the registry needs the names for
/// representatives' scopes.
/// </summary>
public static class RequestKinds
{
    public const string GeneralInformation = "general-information";
    public const string InsuranceStatus = "insurance-status";
    public const string Contributions = "contributions";
    public const string BenefitsHealthData = "benefits-health-data";
    public const string AddressChange = "address-change";
    public const string BankDetailsChange = "bank-details-change";
    public const string NewEgk = "new-egk";
    public const string NewAuthCode = "new-auth-code";
    public const string SendDocuments = "send-documents";
    public const string PortalRegistration = "portal-registration";

    public static readonly IReadOnlyList<string> All =
    [
        GeneralInformation, InsuranceStatus, Contributions, BenefitsHealthData, AddressChange,
        BankDetailsChange, NewEgk, NewAuthCode, SendDocuments, PortalRegistration,
    ];

    public static bool IsKnown(string kind) => All.Contains(kind, StringComparer.Ordinal);
}
