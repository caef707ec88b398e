using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
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
                                  "Anmeldung mit API-Schlüssel (Authorization: Bearer pf_…); Fehler als RFC-9457-Problem-Details mit stabilem „code“ (siehe docs/errors.md).",
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
            // Only operations that need a client declare the scheme; 401/403 come as problem details.
            o.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
                    operation.Responses ??= new OpenApiResponses();
                    operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Kein oder ungültiger API-Schlüssel (PF-API-001)." });
                    operation.Responses.TryAdd("403", new OpenApiResponse { Description = "Dem Schlüssel fehlt die nötige Berechtigung (PF-API-002)." });
                }
                return Task.CompletedTask;
            });
        });
        return services;
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
