using System.Net.Security;
using System.Security.Authentication;

namespace Pforte.Web.Hosting;

/// <summary>
/// TLS of Kestrel's HTTPS endpoints after BSI TR-02102-2 (docs/deployment.md): TLS 1.2 and 1.3 only, and of the
/// cipher suites the guideline recommends only those with forward secrecy and authenticated encryption —
/// TLS 1.3: AES-256-GCM, AES-128-GCM, AES-128-CCM; TLS 1.2: ECDHE with ECDSA or RSA and AES-GCM. The guideline's
/// CBC suites are left out on purpose (padding-oracle history), and so is ChaCha20-Poly1305 (not in the guideline).
/// No renegotiation. The endpoints and certificates themselves are Kestrel's standard configuration
/// (<c>Kestrel:Endpoints:Https:Url</c>, <c>…:Certificate:Path</c>, <c>…:KeyPath</c>); this applies to every one of them.
/// A TLS-terminating proxy in front must be configured the same way (docs/deployment.md has the HAProxy lines).
/// </summary>
public static class TlsSetup
{
    public static readonly IReadOnlyList<TlsCipherSuite> CipherSuites =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_128_CCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    ];

    public static WebApplicationBuilder UsePforteTls(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            https.OnAuthenticate = (_, ssl) =>
            {
                ssl.AllowRenegotiation = false;
                // Only OpenSSL platforms let a process choose its suites; elsewhere the operating system's policy applies.
                if (OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD())
                {
                    ssl.CipherSuitesPolicy = new CipherSuitesPolicy(CipherSuites);
                }
            };
        }));
        return builder;
    }
}
