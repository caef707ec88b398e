using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Pforte.Core.Common;

namespace Pforte.Web.Hosting;

/// <summary>
/// Strict binding of every request body (docs/api.md, "Strict binding"): names are camelCase; a property the body type
/// does not have, a property given twice, a missing required property (a constructor parameter without default), a
/// null where the type does not allow one and a value of the wrong JSON type are each refused with 400, a stable code
/// and a German sentence naming the field by its JSON path (e.g. <c>source.callerId</c>). The framework's own text
/// never reaches the caller.
/// </summary>
public static partial class StrictJson
{
    public static IServiceCollection AddPforteStrictJson(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => Apply(o.SerializerOptions));
        // Without this, a body that does not bind gets an empty 400 outside Development; with it, the exception
        // reaches the exception handler, which turns it into our problem (see Describe).
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static void Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = false;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.AllowDuplicateProperties = false;
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    [GeneratedRegex("missing required properties including: '([^']+)'")]
    private static partial Regex MissingRequired();

    /// <summary>The problem for a request the framework could not bind; null when it is not a binding failure.</summary>
    public static Error? DescribeBindingFailure(Exception? exception)
    {
        if (exception is not BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad)
        {
            return null;
        }
        // Nothing to bind (no JsonException): an empty body or the literal null for an endpoint that needs one.
        return bad.InnerException is JsonException json ? Describe(json) : new Error(ErrorCodes.ApiBodyMissing);
    }

    /// <summary>The problem for a body that is not the expected JSON.</summary>
    public static Error Describe(JsonException json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var path = FieldPath(json.Path);
        var message = json.Message;
        if (json.InnerException?.GetType().Name == "JsonReaderException" || json.Path is null)
        {
            return new Error(ErrorCodes.ApiMalformedBody);
        }
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return new Error(ErrorCodes.ApiUnknownField, path);
        }
        if (message.StartsWith("Duplicate property", StringComparison.Ordinal))
        {
            return new Error(ErrorCodes.ApiDuplicateField, path);
        }
        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            return new Error(ErrorCodes.ApiFieldMissing, path.Length == 0 ? missing.Groups[1].Value : path + "." + missing.Groups[1].Value);
        }
        if (message.Contains("allow null values", StringComparison.Ordinal) || message.Contains("allow setting null values", StringComparison.Ordinal))
        {
            return new Error(ErrorCodes.ApiFieldNull, path);
        }
        return path.Length == 0 ? new Error(ErrorCodes.ApiMalformedBody) : new Error(ErrorCodes.ApiFieldType, path);
    }

    /// <summary>A CSV column name of the import (<c>main_member_kvnr</c>) as the API's field (<c>mainMemberKvnr</c>).</summary>
    public static string CamelCase(string snake)
    {
        ArgumentNullException.ThrowIfNull(snake);
        var parts = snake.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <summary>
    /// <c>$.source.callerId</c> → <c>source.callerId</c>. The path may hold a name the caller made up: it is cut to
    /// 100 characters and control characters become "?", so nothing injected reaches the answer or a log.
    /// </summary>
    private static string FieldPath(string? jsonPath)
    {
        var path = jsonPath switch
        {
            null or "$" => "",
            _ when jsonPath.StartsWith("$.", StringComparison.Ordinal) => jsonPath[2..],
            _ when jsonPath.StartsWith('$') => jsonPath[1..],
            _ => jsonPath,
        };
        path = string.Concat(path.Take(100).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c));
        return path;
    }
}
