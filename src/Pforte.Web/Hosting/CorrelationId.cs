using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Pforte.Web.Hosting;

/// <summary>
/// Request correlation: a caller (IVR, portal back end) may send <c>X-Correlation-Id</c> so that its logs, ours and
/// the audit record can be joined. The value is echoed on the response, put in every log scope of the request and
/// recorded in audit entries. Anything that is not 1–128 characters of [A-Za-z0-9._-] is replaced by a fresh id,
/// because the value ends up in logs and the audit record and must not carry injected text.
/// </summary>
public static partial class CorrelationId
{
    public const string HeaderName = "X-Correlation-Id";
    private const string ItemKey = "Pforte.CorrelationId";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex Valid();

    public static bool IsValid(string? value) => value is not null && Valid().IsMatch(value);

    /// <summary>The request's correlation id; set by the middleware, generated on the spot when it did not run.</summary>
    public static string Get(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Items.TryGetValue(ItemKey, out var value) && value is string id)
        {
            return id;
        }
        id = Generate();
        http.Items[ItemKey] = id;
        return id;
    }

    private static string Generate() => Activity.Current?.TraceId.ToHexString() ?? Guid.NewGuid().ToString("N");

    public static WebApplication UsePforteCorrelationId(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Pforte.Web.Correlation");
        app.Use(async (context, next) =>
        {
            var presented = context.Request.Headers[HeaderName];
            var id = presented.Count == 1 && IsValid(presented[0]) ? presented[0]! : Generate();
            context.Items[ItemKey] = id;
            Activity.Current?.SetTag("pforte.correlation_id", id);
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[HeaderName] = id;
                return Task.CompletedTask;
            });
            using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
            {
                await next(context).ConfigureAwait(false);
            }
        });
        return app;
    }
}
