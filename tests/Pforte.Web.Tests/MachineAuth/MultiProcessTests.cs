using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Letters;

namespace Pforte.Web.Tests.MachineAuth;

/// <summary>
/// Three real server processes on one PostgreSQL: counting, locking and letters stay exact under a storm of
/// parallel attempts (security.md: peers lost increments across nodes or let parallel attempts exceed the limit).
/// </summary>
public sealed class MultiProcessTests
{
    [Fact]
    public async Task A_storm_of_wrong_attempts_through_three_processes_locks_exactly_once()
    {
        // The storm comes from one client without caller ids: the spraying defence must not end it early, in the test
        // host nor in the three server processes.
        var throttling = new Dictionary<string, string?> { ["Pforte:Throttling:MaxAccountsPerSource"] = "1000", ["Pforte:Throttling:MaxFailuresPerSource"] = "1000" };
        await using var h = await MachineAuthHarness.CreateAsync("postgres", throttling);
        var (person, code) = await h.PersonWithCodeAsync();
        var wrong = code == "7405" ? "8052" : "7405";
        var ivrKey = h.Ivr.DefaultRequestHeaders.Authorization!.Parameter!;

        var servers = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                servers.Add(ServerProcess.Start(h.Factory.Database.Configuration.Concat(throttling).ToDictionary(kv => kv.Key, kv => kv.Value)));
            }
            var clients = new List<HttpClient>();
            foreach (var server in servers)
            {
                clients.Add(await server.WaitUntilReadyAsync(ivrKey));
            }

            // 100 wrong attempts and 10 with the right (old) code, all at once, spread over the three processes.
            var attempts = Enumerable.Range(0, 110).Select(i => (Client: clients[i % 3], Code: i % 11 == 5 ? code : wrong)).ToList();
            var responses = await Task.WhenAll(attempts.Select(a => a.Client.PostAsJsonAsync("/api/v1/machine-auth/verify", MachineAuthHarness.Body(person, a.Code))));
            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Unauthorized }));

            var entries = await h.WithDbAsync(db => db.AuditEntries.Where(e => e.SubjectPersonId == person.Id).OrderBy(e => e.Seq).ToListAsync());
            var locks = entries.Where(e => e.Action == AuditAction.CodeLocked).ToList();
            Assert.Single(locks);
            Assert.Equal(1, await h.WithDbAsync(db => db.Letters.CountAsync(l => l.PersonId == person.Id && l.Kind == LetterKinds.CodeReissuedAfterLock)));
            // The old code never verifies after the lock, and the new one waits for print.
            Assert.All(entries.Where(e => e.Action == AuditAction.CodeVerified), e => Assert.True(e.Seq < locks[0].Seq));
            var row = await h.WithDbAsync(db => db.AuthCodes.SingleAsync(a => a.PersonId == person.Id));
            Assert.Equal(AuthCodeState.Pending, row.State);
            Assert.Equal(0, row.Failures);
            // Every attempt was recorded, and between successes the count never went past the limit.
            Assert.Equal(110, entries.Count(e => e.Action is AuditAction.CodeVerified or AuditAction.CodeVerificationFailed));
            var run = 0;
            foreach (var e in entries.Where(e => e.Action is AuditAction.CodeVerified or AuditAction.CodeVerificationFailed))
            {
                run = e.ReasonCode is "wrong-code" or "wrong-code-locked" ? run + 1 : e.Action == AuditAction.CodeVerified ? 0 : run;
                Assert.True(run <= 3, $"count passed the limit at audit entry {e.Seq}");
            }
            Assert.Equal("wrong-code-locked", entries.Single(e => e.ReasonCode == "wrong-code-locked").ReasonCode);
            // Three processes appended to the same chains at once: none forked.
            await GroupCommitTests.AssertChainsIntactAsync(h);
        }
        finally
        {
            foreach (var server in servers)
            {
                server.Dispose();
            }
        }
    }

    /// <summary>The built web host (src/Pforte.Web) as a separate OS process on a free loopback port.</summary>
    internal sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;

        private ServerProcess(Process process, int port)
        {
            _process = process;
            Port = port;
        }

        public int Port { get; }

        /// <param name="port">The plain HTTP port (for the readiness check); a free one when not given.</param>
        public static ServerProcess Start(IReadOnlyDictionary<string, string?> configuration, int? port = null)
        {
            var httpPort = port ?? FreePort();
            var dll = WebHostDll();
            var psi = new ProcessStartInfo("dotnet", [dll])
            {
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (key, value) in configuration)
            {
                psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
            psi.Environment["Urls"] = $"http://127.0.0.1:{httpPort}";
            psi.Environment["Pforte__Jobs__Enabled"] = "false";
            psi.Environment["Pforte__Demo__SeedEmptyDatabase"] = "false";
            psi.Environment["Logging__LogLevel__Default"] = "Warning";
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            var process = Process.Start(psi)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new ServerProcess(process, httpPort);
        }

        public async Task<HttpClient> WaitUntilReadyAsync(string key)
        {
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
            // Up to a minute: a loaded CI machine starts a host slowly.
            for (var i = 0; i < 600; i++)
            {
                Assert.False(_process.HasExited, "web host process exited");
                try
                {
                    if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                    {
                        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
                        return client;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                await Task.Delay(100);
            }
            throw new TimeoutException("web host did not become ready");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
            _process.Dispose();
        }

        public static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static string WebHostDll()
        {
            // Same configuration (Debug/Release) as this test assembly.
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(Hosting.Repository.Root, "src", "Pforte.Web", "bin", configuration, "net10.0", "Pforte.Web.dll");
            Assert.True(File.Exists(dll), $"{dll} not built");
            return dll;
        }
    }
}
