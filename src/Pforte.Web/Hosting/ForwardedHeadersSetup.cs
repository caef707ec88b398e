using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Pforte.Web.Hosting;

/// <summary>
/// Behind a reverse proxy or load balancer that terminates TLS: the client's address and scheme from
/// <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c>, trusted only from the proxies named in
/// <c>Pforte:ForwardedHeaders:KnownProxies</c> (IP addresses). Without that setting the headers are ignored — a client
/// cannot claim another address or HTTPS by sending them.
/// </summary>
public static class ForwardedHeadersSetup
{
    public const string KnownProxiesKey = "Pforte:ForwardedHeaders:KnownProxies";

    public static WebApplication UsePforteForwardedHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var proxies = app.Configuration.GetSection(KnownProxiesKey).Get<string[]>() ?? [];
        if (proxies.Length == 0)
        {
            return app;
        }
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }
        app.UseForwardedHeaders(options);
        return app;
    }
}
