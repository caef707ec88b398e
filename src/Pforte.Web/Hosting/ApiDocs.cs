using System.Reflection;
using Pforte.Core.Common;

namespace Pforte.Web.Hosting;

/// <summary>
/// The error codes an endpoint can answer with one status: endpoint metadata that the OpenAPI document turns into
/// the response (problem details, the codes in its description and in <c>x-pforte-error-codes</c>). The answers
/// every API operation shares (401, 403, 413, 500, and the strict-binding 400/415 of a body) are added by
/// <see cref="ApiReference"/>; an endpoint declares only its own. The Web tests check every response against this.
/// </summary>
public sealed record ProblemResponse(int Status, IReadOnlyList<string> Codes);

public static class ApiDocs
{
    // First: the fields below are initialised in order and read it.
    private static readonly string[] AllCodes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!)
        .Order(StringComparer.Ordinal).ToArray();

    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder builder, int status, params IEnumerable<string>[] codes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new ProblemResponse(status, [.. codes.SelectMany(c => c)]));
    }

    public static IEnumerable<string> Codes(params string[] codes) => codes;

    /// <summary>Every code of a family, e.g. <c>PF-KVNR-</c> for everything <see cref="Kvnr.Parse"/> can answer.</summary>
    public static IEnumerable<string> Family(string prefix) => AllCodes.Where(c => c.StartsWith(prefix, StringComparison.Ordinal));

    public static readonly IReadOnlyList<string> KvnrCodes = [.. Family("PF-KVNR-")];

    /// <summary>What strict binding answers for a body that does not bind (StrictJson).</summary>
    public static readonly IReadOnlyList<string> BindingCodes =
    [
        ErrorCodes.ApiMalformedBody, ErrorCodes.ApiUnknownField, ErrorCodes.ApiFieldMissing, ErrorCodes.ApiFieldNull,
        ErrorCodes.ApiFieldType, ErrorCodes.ApiDuplicateField, ErrorCodes.ApiBodyMissing,
    ];

    /// <summary>The input policy for text (ADR 0013): forbidden characters and over-long values, named by field.</summary>
    public static readonly IReadOnlyList<string> TextPolicyCodes = [ErrorCodes.InputForbiddenCharacter, ErrorCodes.FieldTooLong];

    /// <summary>The 401 of an insured person who was not verified (ADR 0011), told apart from a bad key by its challenge.</summary>
    public static readonly IReadOnlyList<string> PersonNotVerifiedCodes =
        [ErrorCodes.MachineAuthFailed, ErrorCodes.PhoneQuestionsWrong, ErrorCodes.PhoneQuestionsWrongNoTriesLeft, ErrorCodes.PhotoMismatch];
}
