namespace Pforte.Core.Audit;

/// <summary>
/// Audit event types. The numbers are stable and never reused (docs/audit-events.md): an auditor's query written
/// today must mean the same in ten years.
/// </summary>
public enum AuditAction
{
    // 1xxx insured-person registry
    InsuredCreated = 1001,
    InsuredUpdated = 1002,
    CardRecorded = 1003,
    AddressChanged = 1004,
    InsuredImported = 1005,
    RepresentativeRecorded = 1006,
    InsuranceEnded = 1007,
    DeathRecorded = 1008,
    KasseBrandingChanged = 1009,

    // 2xxx authentication code life cycle (never the code itself)
    CodeIssued = 2001,
    CodeVerified = 2002,
    CodeVerificationFailed = 2003,
    CodeLocked = 2004,
    CodeReissueCapReached = 2005,
    CodeChanged = 2006,
    CodeChangeRefused = 2007,
    CodeReissuedByStaff = 2008,
    CodeDeleted = 2009,
    CodeActivated = 2010,
    CodeRekeyed = 2011,
    SourceThrottled = 2012,
    FailureRateAlarm = 2013,
    ClientSprayAlarm = 2014,

    // 3xxx letters
    LetterQueued = 3001,
    LetterHandedOver = 3002,
    LetterReturned = 3003,
    LetterBatchReissued = 3004,
    LetterCancelled = 3005,

    // 4xxx authentication methods besides the code, disclosure decisions, outbound guard
    DisclosureDecided = 4001,
    PhoneQuestionsDrawn = 4002,
    PhoneQuestionsPassed = 4003,
    PhoneQuestionsFailed = 4004,
    PhoneQuestionsTryLimitReached = 4005,
    InPersonAuthenticated = 4006,
    InPersonRefused = 4007,
    WrittenAuthenticated = 4008,
    WrittenRefused = 4009,
    OutboundReleased = 4010,
    OutboundRefused = 4011,
    PortalLoginRecorded = 4012,
    AuthenticationRefusedDeceased = 4013,

    // 5xxx portal accounts (issue 12, ADR 0015): never a password, TOTP secret or code, never a typed-in user name that matched no account
    PortalAccountRegistered = 5001,
    PortalRegistrationRefused = 5002,
    PortalSignInFailed = 5003,
    PortalAccountLocked = 5004,
    PortalSignedOut = 5005,
    PortalSessionsRevoked = 5006,
    PortalStepUpConfirmed = 5007,
    PortalStepUpFailed = 5008,
    PortalPasskeyAdded = 5009,
    PortalPasskeyRemoved = 5010,
    PortalActivationLetterRequested = 5012,
    PortalActivationCodeUsed = 5013,

    // 6xxx portal self-service of the insured person (docs/decisions/0016-portal-self-service.md)
    CodeOrderedByPerson = 6001,
    CodeBlockedByPerson = 6002,
    CodeOrderRefused = 6003,
    AddressChangeScheduled = 6004,
    BankDetailsChanged = 6005,
    ContactEmailRequested = 6006,
    ContactEmailConfirmed = 6007,

    // 70xx portal: Beratungscenter, representation, letter copies, security history (issue 12)
    BranchAdded = 7001,
    BranchChanged = 7002,
    BranchRemoved = 7003,
    RepresentationEnded = 7004,
    RepresentationRefused = 7005,
    LetterCopyProvided = 7006,
    RepresentedDataViewed = 7007,

    // 80xx secure mailbox (docs/decisions/0019-mailbox-model-and-encryption.md); never any content in details
    MailboxThreadStarted = 8001,
    MailboxReplySent = 8002,
    MailboxThreadViewedByStaff = 8003,
    MailboxStaffReplied = 8004,
    MailboxAssigned = 8005,
    MailboxStatusChanged = 8006,
    MailboxDueChanged = 8007,
    MailboxNoteAdded = 8008,
    MailboxTemplateCreated = 8009,
    MailboxDocumentDelivered = 8010,
    MailboxDocumentRefused = 8011,
    ElectronicDeliveryOptedIn = 8012,
    ElectronicDeliveryOptedOut = 8013,
    MailboxPurged = 8014,
    MailboxRewrapped = 8015,
    MailboxAttachmentOpened = 8016,

    // 81xx e-mail notices (docs/decisions/0021-mailbox-notices.md)
    NoticeSent = 8101,
    NoticeFailed = 8102,
    NoticeGivenUp = 8103,
    NoticeDropped = 8104,

    // 815x public contact form (docs/decisions/0022-contact-form.md)
    ContactRequestSubmitted = 8151,
    ContactFormRefused = 8152,
    ContactRequestRead = 8153,
    ContactRequestMatched = 8154,
    ContactRequestAnswered = 8155,
    ContactRequestClosed = 8156,
    ContactRequestsPurged = 8157,

    // 9xxx administration
    KasseCreated = 9001,
    ApiClientCreated = 9002,
    ApiClientRevoked = 9003,
    AuditPruned = 9004,
    DemoSeeded = 9005,
    AuditEntriesRead = 9006,
    AuditChainVerified = 9007,

    // 119xx the flag "braucht einen anderen Weg zur Authentifizierung" (docs/glossary.md, AlternativeAuthentication)
    // 110xx the phone dialogue (IVR, docs/decisions/0027-ivr-dialogue.md); the code checks themselves are CodeVerified/CodeVerificationFailed
    IvrCallHandedOver = 11001,
    IvrCallHungUp = 11002,
    // 101xx staff workspace: caller screen, counter, screen pop, four eyes (docs/decisions/0025-workspace-caller-screen.md)
    WorkspacePersonSearched = 10101,
    WorkspaceCallerCardOpened = 10102,
    WorkspaceCallTaken = 10103,
    CodeReissueRequested = 10104,
    CodeReissueApproved = 10105,
    CodeReissueRejected = 10106,
    CodeReissueFourEyesRefused = 10107,

    // 119xx the flag "braucht einen anderen Weg zur Authentifizierung" (docs/authentication.md)
    AlternativeAuthenticationFlagSet = 11901,
    AlternativeAuthenticationFlagCleared = 11902,
    // 100xx staff workspace: staff accounts, sign-in, sessions (docs/decisions/0023-staff-identity.md)
    StaffAccountCreated = 10001,
    StaffAccountDisabled = 10002,
    StaffRolesChanged = 10003,
    StaffTotpEnrolled = 10004,
    StaffSignedIn = 10005,
    StaffSignInFailed = 10006,
    StaffAccountLocked = 10007,
    StaffSignedOut = 10008,
    StaffSessionsRevoked = 10009,
    StaffPasskeyAdded = 10010,
    StaffAccountProvisioned = 10011,
    StaffAccessDenied = 10012,
    StaffAccountsListed = 10013,

    // 102xx staff workspace: auditor, back office, admin catalogue (docs/decisions/0026-workspace-audit-backoffice.md)
    AuditSearchedByStaff = 10201,
    AuditExportedByStaff = 10202,
    AuditAlarmsViewed = 10203,
    LetterSampleRendered = 10204,
}
