using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pforte.Web.Tests.MachineAuth;

namespace Pforte.Web.Tests.Hosting;

/// <summary>
/// The built web host with an HTTPS endpoint, probed with <c>openssl s_client</c>: TLS 1.2 and 1.3 with the suites
/// of BSI TR-02102-2 that Pforte allows (<see cref="Pforte.Web.Hosting.TlsSetup"/>), nothing older, nothing else.
/// </summary>
public sealed class TlsTests
{
    [Fact]
    public async Task Https_offers_tls_1_2_and_1_3_with_the_allowed_suites_only()
    {
        var dir = Directory.CreateTempSubdirectory("pforte-tls-");
        try
        {
            var (cert, key) = WriteSelfSignedEcdsa(dir.FullName);
            var httpPort = MultiProcessTests.ServerProcess.FreePort();
            var httpsPort = MultiProcessTests.ServerProcess.FreePort();
            using var server = MultiProcessTests.ServerProcess.Start(new Dictionary<string, string?>
            {
                ["Pforte:Database:Provider"] = "sqlite",
                ["Pforte:Database:ConnectionString"] = $"Data Source={Path.Combine(dir.FullName, "tls.db")}",
                ["Pforte:Keys:Path"] = Path.Combine(dir.FullName, "keyring.json"),
                ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{httpPort}",
                ["Kestrel:Endpoints:Https:Url"] = $"https://127.0.0.1:{httpsPort}",
                ["Kestrel:Endpoints:Https:Certificate:Path"] = cert,
                ["Kestrel:Endpoints:Https:Certificate:KeyPath"] = key,
            }, httpPort);
            await server.WaitUntilReadyAsync("unused");

            // Allowed: TLS 1.3 (each of its suites) and TLS 1.2 with ECDHE and AES-GCM.
            foreach (var suite in new[] { "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_AES_128_CCM_SHA256" })
            {
                Assert.Equal(("TLSv1.3", suite), await HandshakeAsync(httpsPort, "-tls1_3", "-ciphersuites", suite));
            }
            Assert.Equal(("TLSv1.2", "ECDHE-ECDSA-AES256-GCM-SHA384"), await HandshakeAsync(httpsPort, "-tls1_2"));
            Assert.Equal(("TLSv1.2", "ECDHE-ECDSA-AES128-GCM-SHA256"), await HandshakeAsync(httpsPort, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"));

            // Refused: older protocols (the client's own security level lowered, so that the refusal is the server's),
            // CBC and ChaCha20 suites on 1.2, ChaCha20 on 1.3.
            Assert.Null(await HandshakeAsync(httpsPort, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"));
            Assert.Null(await HandshakeAsync(httpsPort, "-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"));
            Assert.Null(await HandshakeAsync(httpsPort, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256"));
            Assert.Null(await HandshakeAsync(httpsPort, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA"));
            Assert.Null(await HandshakeAsync(httpsPort, "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"));
            Assert.Null(await HandshakeAsync(httpsPort, "-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The negotiated protocol and cipher, or null when the handshake failed.</summary>
    private static async Task<(string Protocol, string Cipher)?> HandshakeAsync(int port, params string[] options)
    {
        var psi = new ProcessStartInfo("openssl", ["s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", .. options])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        // "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384" — or "New, (NONE), Cipher is (NONE)" when it failed.
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("New, ", StringComparison.Ordinal));
        if (line is null || line.Contains("(NONE)", StringComparison.Ordinal))
        {
            return null;
        }
        var parts = line.Trim().Split(", ");
        return (parts[1], parts[2]["Cipher is ".Length..]);
    }

    private static (string Cert, string Key) WriteSelfSignedEcdsa(string dir)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", ecdsa, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var cert = Path.Combine(dir, "cert.pem");
        var key = Path.Combine(dir, "key.pem");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, ecdsa.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }
}
