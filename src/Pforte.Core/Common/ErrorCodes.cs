namespace Pforte.Core.Common;

/// <summary>
/// Stable error codes. Never renumber or reuse one. Texts: Resources/ErrorTexts.resx (German, the product's
/// language) and ErrorTexts.en.resx; the list for integrators: docs/errors.md. A test keeps the three in step.
/// </summary>
public static class ErrorCodes
{
    public const string KvnrMissing = "PF-KVNR-001";
    public const string KvnrWhitespace = "PF-KVNR-002";
    public const string KvnrLowerCase = "PF-KVNR-003";
    public const string KvnrLength = "PF-KVNR-004";
    public const string KvnrCharacter = "PF-KVNR-005";
    public const string KvnrCheckDigit = "PF-KVNR-006";
    public const string CardMissing = "PF-CARD-001";
    public const string CardWhitespace = "PF-CARD-002";
    public const string CardLength = "PF-CARD-003";
    public const string CardCharacter = "PF-CARD-004";
    public const string CardNotEgk = "PF-CARD-005";
    public const string IkMissing = "PF-IK-001";
    public const string IkWhitespace = "PF-IK-002";
    public const string IkLength = "PF-IK-003";
    public const string IkCharacter = "PF-IK-004";
    public const string IkCheckDigit = "PF-IK-005";
    public const string FieldRequired = "PF-REC-001";
    public const string FieldDate = "PF-REC-002";
    public const string InsuranceKindUnknown = "PF-REC-003";
    public const string MainMemberRequired = "PF-REC-004";
    public const string MainMemberNotAllowed = "PF-REC-005";
    public const string MainMemberSelf = "PF-REC-006";
    public const string InsuranceEndBeforeStart = "PF-REC-007";
    public const string BirthDateImplausible = "PF-REC-008";
    public const string CountryInvalid = "PF-REC-009";
    public const string PostalCodeInvalid = "PF-REC-010";
    public const string FieldTooLong = "PF-REC-011";
    public const string CardIssuedWithoutNumber = "PF-REC-012";
    public const string DeathBeforeBirth = "PF-REC-013";
    public const string FieldControlCharacters = "PF-REC-014";
    public const string CardTakenByOther = "PF-REC-015";
    public const string InsuranceStartBeforeBirth = "PF-REC-016";
    public const string ImportHeader = "PF-IMP-001";
    public const string ImportColumnCount = "PF-IMP-002";
    public const string ImportUnreadable = "PF-IMP-003";
    public const string ImportDuplicateKvnr = "PF-IMP-004";
    public const string ImportMalformed = "PF-IMP-005";
    public const string ImportNoHeader = "PF-IMP-006";
    public const string ImportWriteRefused = "PF-IMP-007";
    public const string KasseUnknown = "PF-KASSE-001";
    public const string KasseAmbiguous = "PF-KASSE-002";
    public const string KasseNone = "PF-KASSE-003";
    public const string KasseExists = "PF-KASSE-004";
    public const string ApiUnauthenticated = "PF-API-001";
    public const string ApiForbidden = "PF-API-002";
    public const string ApiMalformedBody = "PF-API-003";
    public const string ApiKvnrMismatch = "PF-API-004";
    public const string ApiPersonNotFound = "PF-API-005";
    public const string ApiBodyTooLarge = "PF-API-006";
    public const string ApiValidation = "PF-API-007";
    public const string ApiInternal = "PF-API-500";
    public const string ClientScopeUnknown = "PF-CLIENT-001";
    public const string ClientNameTaken = "PF-CLIENT-002";
    public const string ClientNotFound = "PF-CLIENT-003";
    public const string ClientNoScope = "PF-CLIENT-004";
    public const string ClientNameInvalid = "PF-CLIENT-005";
    public const string DemoRealData = "PF-DEMO-001";
    public const string DemoCountRange = "PF-DEMO-002";
    public const string AuditEntryAltered = "PF-AUD-001";
    public const string AuditEntryMissing = "PF-AUD-002";
    public const string AuditEntryOutOfPlace = "PF-AUD-003";
    public const string AuditTailMissing = "PF-AUD-004";
    public const string AuditPruneInFuture = "PF-AUD-005";
    public const string DateArgumentInvalid = "PF-GEN-001";
    public const string DbProviderUnknown = "PF-DB-001";
    public const string DbConnectionStringMissing = "PF-DB-002";
}
