namespace Pforte.Web.Hosting;

/// <summary>
/// Security headers on every response, set just before the headers go out so that error responses (whose headers
/// the exception handler clears) carry them too. API answers are JSON and never need to load anything, so their
/// Content-Security-Policy forbids everything. The reference page under /scalar needs its own scripts and styles,
/// all served by this host; its policy allows exactly that ('self') plus the one inline start-up script by its
/// hash (<see cref="ScalarPageCsp"/>), never any other origin.
/// </summary>
public static class SecurityHeaders
{
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static WebApplication UsePforteSecurityHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Cross-Origin-Resource-Policy"] = "same-origin";
                if (!headers.ContainsKey("Content-Security-Policy"))
                {
                    headers.ContentSecurityPolicy = ApiPolicy;
                }
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
