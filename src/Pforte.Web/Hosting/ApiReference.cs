using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Pforte.Core.Common;
using Scalar.AspNetCore;

namespace Pforte.Web.Hosting;

/// <summary>
/// The OpenAPI document (/openapi/v1.json) and the interactive reference page (/scalar). Both are anonymous: they
/// describe the API, they hold no data. The page and all its assets come from this host (Scalar.AspNetCore embeds
/// them); fonts, telemetry and the request proxy that Scalar would load from its own servers are switched off,
/// because installations run without internet access and must not leak calls to third parties.
/// </summary>
public static partial class ApiReference
{
    public const string BearerScheme = "Bearer";
    public const string ScalarPath = "/scalar";

    public static IServiceCollection AddPforteOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Pforte API",
                    Version = "v1",
                    Description = "Schnittstelle für IVR, Kernsystem, Portal-Backend und Druckdienst einer Krankenkasse. " +
                                  "Anmeldung mit API-Schlüssel (Authorization: Bearer pf_…); Fehler als RFC-9457-Problem-Details mit stabilem „code“ (siehe docs/errors.md). " +
                                  "Jede Operation nennt je Status ihre Fehlercodes (x-pforte-error-codes). Außerhalb jeder Operation antwortet jeder Pfad " +
                                  "mit 404 PF-API-008 (keine solche Operation), 405 PF-API-009 (Methode) oder 400 PF-API-016 (Zeichen in Pfad oder Kopfzeilen, die HTTP nicht erlaubt). " +
                                  "Felder in camelCase; unbekannte, doppelte, fehlende oder falsch getypte Felder → 400 (docs/api.md).",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "pf_{key-id}_{secret}",
                    Description = "API-Schlüssel aus „pforte clients create“.",
                };
                return Task.CompletedTask;
            });
            o.AddDocumentTransformer((document, _, _) =>
            {
                // Each installation serves its own document; its address is the one the client already uses. Without
                // this the document would name the address of whoever asked first, and differ between hosts.
                document.Servers = [];
                document.Components!.Schemas ??= new Dictionary<string, IOpenApiSchema>();
                document.Components.Schemas[ProblemSchema] = Problem();
                return Task.CompletedTask;
            });
            // Request and response bodies of our own types are closed: no property beyond the documented ones.
            o.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && context.JsonPropertyInfo is null
                    && context.JsonTypeInfo.Type.Namespace?.StartsWith("Pforte.", StringComparison.Ordinal) == true && schema is OpenApiSchema s)
                {
                    s.AdditionalPropertiesAllowed = false;
                    s.AdditionalProperties = null;
                }
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var problems = new SortedDictionary<int, SortedSet<string>>();
                void Add(int status, IEnumerable<string> codes)
                {
                    if (!problems.TryGetValue(status, out var set))
                    {
                        problems[status] = set = new SortedSet<string>(StringComparer.Ordinal);
                    }
                    set.UnionWith(codes);
                }
                foreach (var declared in metadata.OfType<ProblemResponse>())
                {
                    Add(declared.Status, declared.Codes);
                }
                // Only operations that need a client declare the scheme; 401/403 come as problem details.
                if (metadata.OfType<IAuthorizeData>().Any())
                {
                    var scopes = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>()
                        .Where(p => p.StartsWith("scope:", StringComparison.Ordinal)).SelectMany(p => p["scope:".Length..].Split('|')).Distinct().ToList();
                    operation.Description = $"{operation.Summary} API-Schlüssel mit Scope {(scopes.Count == 0 ? "beliebig" : string.Join(" oder ", scopes))}.";
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
                    Add(StatusCodes.Status401Unauthorized, [ErrorCodes.ApiUnauthenticated]);
                    Add(StatusCodes.Status403Forbidden, [ErrorCodes.ApiForbidden]);
                }
                if (operation.RequestBody is not null)
                {
                    Add(StatusCodes.Status400BadRequest, ApiDocs.BindingCodes);
                    // Every text field of a body follows the one input policy (ADR 0013), checked in the use case.
                    Add(StatusCodes.Status400BadRequest, ApiDocs.TextPolicyCodes);
                    Add(StatusCodes.Status415UnsupportedMediaType, [ErrorCodes.ApiUnsupportedMediaType]);
                    if (operation.RequestBody is OpenApiRequestBody body)
                    {
                        body.Required = true;
                    }
                }
                Add(StatusCodes.Status413PayloadTooLarge, [ErrorCodes.ApiBodyTooLarge]);
                Add(StatusCodes.Status500InternalServerError, [ErrorCodes.ApiInternal]);
                // The database or the HSM away for a moment (restart, fail-over): answered with Retry-After, to be retried
                // (operations.md, hsm.md).
                Add(StatusCodes.Status503ServiceUnavailable, [ErrorCodes.ApiDatabaseUnavailable, ErrorCodes.HsmUnavailable]);
                operation.Responses ??= new OpenApiResponses();
                foreach (var (status, codes) in problems)
                {
                    operation.Responses[status.ToString(CultureInfo.InvariantCulture)] = ProblemResponseFor(status, codes, context.Document!);
                }
                return Task.CompletedTask;
            });
        });
        return services;
    }

    public const string ProblemSchema = "Problem";

    /// <summary>The extension that lists the error codes a response can carry (also named in its description).</summary>
    public const string ErrorCodesExtension = "x-pforte-error-codes";

    private static OpenApiResponse ProblemResponseFor(int status, IEnumerable<string> codes, OpenApiDocument document)
    {
        var list = codes.ToList();
        var response = new OpenApiResponse
        {
            Description = $"{StatusText(status)} Fehlercodes: {string.Join(", ", list)}.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
            },
            Extensions = new Dictionary<string, IOpenApiExtension>
            {
                [ErrorCodesExtension] = new JsonNodeExtension(new JsonArray([.. list.Select(c => JsonValue.Create(c))])),
            },
        };
        if (status == StatusCodes.Status401Unauthorized)
        {
            var person = list.Intersect(ApiDocs.PersonNotVerifiedCodes).ToList();
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["WWW-Authenticate"] = new OpenApiHeader
                {
                    Description = $"„{ProblemResults.ApiKeyChallenge}“ bei {ErrorCodes.ApiUnauthenticated} (API-Schlüssel fehlt oder ist ungültig)" +
                        (person.Count == 0 ? "." : $"; „{ProblemResults.PersonChallenge}“ bei {string.Join(", ", person)} (die versicherte Person ist nicht bestätigt, der Schlüssel ist in Ordnung – ADR 0011)."),
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            };
        }
        if (status == StatusCodes.Status429TooManyRequests && list.Contains(ErrorCodes.MachineAuthThrottled))
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader
                {
                    Description = $"Bei {ErrorCodes.MachineAuthThrottled}: Sekunden, bis die Quelle wieder prüfen darf.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                },
            };
        }
        return response;
    }

    private static string StatusText(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "Ungültige Anfrage.",
        StatusCodes.Status401Unauthorized => "Nicht authentifiziert.",
        StatusCodes.Status403Forbidden => "Nicht erlaubt.",
        StatusCodes.Status404NotFound => "Nicht gefunden.",
        StatusCodes.Status409Conflict => "Konflikt mit dem Zustand.",
        StatusCodes.Status413PayloadTooLarge => "Anfrage zu groß.",
        StatusCodes.Status415UnsupportedMediaType => "Kein JSON.",
        StatusCodes.Status422UnprocessableEntity => "Fachlich abgelehnt.",
        StatusCodes.Status429TooManyRequests => "Zu viele Versuche (Retry-After).",
        _ => "Interner Fehler.",
    };

    /// <summary>RFC 9457 problem details as Pforte writes them: the standard members, the code and the known extensions.</summary>
    private static OpenApiSchema Problem()
    {
        static OpenApiSchema Str(string description) => new() { Type = JsonSchemaType.String, Description = description };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 Problem Details mit stabilem Fehlercode (docs/errors.md).",
            Required = new HashSet<string> { "type", "title", "status", "detail", "code", "traceId", "correlationId" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = Str("https://pforte.example/errors/{code}"),
                ["title"] = Str("Der Satz auf Englisch."),
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = Str("Der Satz auf Deutsch, für Menschen."),
                ["instance"] = Str("Der Pfad der Anfrage."),
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^PF-[A-Z]+-[0-9]{3}$", Description = "Stabiler Fehlercode." },
                ["traceId"] = Str("W3C-Trace der Anfrage."),
                ["correlationId"] = Str("X-Correlation-Id der Anfrage."),
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Description = "Nur bei PF-API-007: die abgelehnten Felder.",
                    Items = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        AdditionalPropertiesAllowed = false,
                        Required = new HashSet<string> { "field", "code", "message" },
                        Properties = new Dictionary<string, IOpenApiSchema> { ["field"] = Str("Feld (camelCase)."), ["code"] = Str("Fehlercode."), ["message"] = Str("Satz auf Deutsch.") },
                    },
                },
                ["triesLeftToday"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "Nur bei PF-AUTH-002: heute verbleibende Fragerunden." },
                ["rule"] = Str("Nur bei PF-MA-009: die verletzte Regel."),
            },
            AdditionalPropertiesAllowed = false,
        };
    }

    public static WebApplication MapPforteApiReference(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.UseWhen(c => c.Request.Path.StartsWithSegments(ScalarPath), branch => branch.Use(AddScalarPagePolicyAsync));
        app.MapScalarApiReference(ScalarPath, o => o
                .WithTitle("Pforte API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts()
                .DisableTelemetry())
            .AllowAnonymous();
        return app;
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    /// <summary>
    /// The page starts Scalar with one inline module script whose text depends on the configuration. Rather than
    /// allow every inline script, the page's policy names exactly the scripts it contains by their SHA-256.
    /// Inline styles stay allowed: the Vue application writes style attributes at run time.
    /// </summary>
    private static async Task AddScalarPagePolicyAsync(HttpContext context, RequestDelegate next)
    {
        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = original;
        }
        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            var html = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            var hashes = InlineScript().Matches(html)
                .Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value)))}'");
            context.Response.Headers.ContentSecurityPolicy =
                $"default-src 'none'; script-src 'self' {string.Join(' ', hashes)}; style-src 'self' 'unsafe-inline'; " +
                "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted).ConfigureAwait(false);
    }
}
