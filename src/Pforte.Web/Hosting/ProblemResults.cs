using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Common;

namespace Pforte.Web.Hosting;

/// <summary>
/// RFC 9457 problem details carrying the stable error code (<c>code</c>) and the German sentence (<c>detail</c>).
/// The <c>type</c> points at the code's entry in docs/errors.md.
/// </summary>
public static class ProblemResults
{
    public const string TypeBase = "https://pforte.example/errors/";

    public static ProblemDetails Create(int status, Error error, IDictionary<string, object?>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypeBase + error.Code,
            Title = EnglishTitles.Title(error),
            Detail = error.Message,
        };
        problem.Extensions["code"] = error.Code;
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }
        return problem;
    }

    /// <summary>
    /// The challenge of a 401 that an endpoint answers: the insured person was not verified (wrong code, wrong answers,
    /// photo does not match). It is not the API client's key – that 401 comes from the authentication handler with
    /// <see cref="ApiKeyChallenge"/> – so a client must never renew its key or replay the request on it (ADR 0011).
    /// </summary>
    public const string PersonChallenge = "Pforte-Person realm=\"insured-person\"";

    /// <summary>The challenge of the 401 for a missing, unknown or revoked API key (RFC 6750).</summary>
    public const string ApiKeyChallenge = "Bearer realm=\"pforte-api\"";

    public static IResult Result(int status, Error error, IDictionary<string, object?>? extensions = null)
    {
        var problem = TypedResults.Problem(Create(status, error, extensions));
        return status == StatusCodes.Status401Unauthorized ? new PersonNotVerified(problem) : problem;
    }

    private sealed class PersonNotVerified(IResult problem) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.WWWAuthenticate = PersonChallenge;
            return problem.ExecuteAsync(httpContext);
        }
    }

    public static async Task WriteAsync(HttpContext context, int status, Error error)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = Create(status, error) }).ConfigureAwait(false);
    }
}

public static class ProblemDetailsSetup
{
    public static IServiceCollection AddPforteProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity?.Id ?? c.HttpContext.TraceIdentifier;
            c.ProblemDetails.Extensions["correlationId"] = CorrelationId.Get(c.HttpContext);
            if (c.ProblemDetails.Status == StatusCodes.Status503ServiceUnavailable)
            {
                c.HttpContext.Response.Headers.RetryAfter = "5";
            }
            // Framework-made problems (404 route, 405, 415, bad JSON, exceptions) get a code and our sentence too.
            // Whatever the framework wrote (exception messages, parameter names) is replaced, never passed on.
            if (!c.ProblemDetails.Extensions.ContainsKey("code"))
            {
                var error = c.ProblemDetails.Status switch
                {
                    StatusCodes.Status400BadRequest => StrictJson.DescribeBindingFailure(c.Exception) ?? new Error(ErrorCodes.ApiMalformedBody),
                    StatusCodes.Status404NotFound => new Error(ErrorCodes.ApiNoSuchEndpoint),
                    StatusCodes.Status405MethodNotAllowed => new Error(ErrorCodes.ApiMethodNotAllowed, c.HttpContext.Request.Method),
                    StatusCodes.Status413PayloadTooLarge => new Error(ErrorCodes.ApiBodyTooLarge, MaxBodyBytes),
                    StatusCodes.Status415UnsupportedMediaType => new Error(ErrorCodes.ApiUnsupportedMediaType),
                    StatusCodes.Status503ServiceUnavailable when KeyStoreAway(c.Exception) => new Error(ErrorCodes.HsmUnavailable),
                    StatusCodes.Status503ServiceUnavailable => new Error(ErrorCodes.ApiDatabaseUnavailable),
                    >= StatusCodes.Status500InternalServerError => new Error(ErrorCodes.ApiInternal),
                    _ => null,
                };
                if (error is null)
                {
                    return;
                }
                var replacement = ProblemResults.Create(c.ProblemDetails.Status!.Value, error);
                c.ProblemDetails.Type = replacement.Type;
                c.ProblemDetails.Title = replacement.Title;
                c.ProblemDetails.Detail = replacement.Detail;
                c.ProblemDetails.Extensions.Remove("errors");
                c.ProblemDetails.Extensions.Remove("exception");
                c.ProblemDetails.Extensions["code"] = error.Code;
            }
        });
        return services;
    }

    private static bool KeyStoreAway(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is Pforte.Core.Common.Keys.KeyStoreUnavailableException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The API takes small JSON documents; anything larger is refused before it is read (files: <see cref="RequestBodyLimits"/>).</summary>
    public const long MaxBodyBytes = RequestBodyLimits.Default;

    public static WebApplication UsePforteProblemDetails(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Bad client input surfaces as BadHttpRequestException: answer with its status, not 500.
            // The database away for a moment (restart, fail-over): 503 with a problem detail, which the load balancer and the
            // client may retry — not a 500 (issue 16).
            StatusCodeSelector = ex => ex switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                _ when Pforte.Core.Persistence.DatabaseUnavailable.Is(ex) => StatusCodes.Status503ServiceUnavailable,
                // The HSM away (ADR 0029): like a database outage, 503 and a retry, not a 500.
                _ when KeyStoreAway(ex) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
            // A body that does not bind is the caller's mistake, answered with its problem; it is no error of ours to log.
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        app.Use((context, next) =>
        {
            // A declared length over the limit is refused before a byte is read; the server limit below catches
            // chunked bodies while they are read (BadHttpRequestException 413 → the exception handler above). Only the
            // few requests that carry files may be larger (RequestBodyLimits).
            var limit = RequestBodyLimits.For(context);
            // The portal answers a form that is too large with a German page of its own (PortalSurface).
            if (context.Request.ContentLength > limit && !Pforte.Portal.PortalSurface.IsPortal(context))
            {
                return ProblemResults.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, new Error(ErrorCodes.ApiBodyTooLarge, limit));
            }
            var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (feature is { IsReadOnly: false })
            {
                feature.MaxRequestBodySize = limit;
            }
            else
            {
                context.Request.Body = new BodySizeLimitStream(context.Request.Body, limit);
            }
            return next(context);
        });
        return app;
    }
}
