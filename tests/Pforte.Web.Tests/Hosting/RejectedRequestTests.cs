using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Pforte.Core.Common;
using Pforte.Testing;
using Pforte.Web.Tests.MachineAuth;

namespace Pforte.Web.Tests.Hosting;

/// <summary>
/// Requests Kestrel refuses before the application runs (a %00 in the path) got an empty 400; they get problem
/// details now. Runs the real web host in its own process, because the test server has no Kestrel.
/// </summary>
public sealed class RejectedRequestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_NUL_in_the_path_is_a_problem_not_an_empty_400_and_other_answers_stay_as_they_were()
    {
        await using var database = await TestDb.CreateAsync("sqlite");
        using var server = MultiProcessTests.ServerProcess.Start(database.Configuration);
        await server.WaitUntilReadyAsync("unused");

        var nul = await RawAsync(server.Port, "GET /api/v1/insured/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        AssertPathProblem(nul);

        // On one kept-alive connection: a good answer passes unchanged, the bad request after it gets the problem.
        var both = await RawAsync(server.Port, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/x%00y HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", both, StringComparison.Ordinal);
        Assert.Contains("\r\n\r\n7\r\nHealthy\r\n0\r\n\r\n", both, StringComparison.Ordinal);
        AssertPathProblem(both[both.IndexOf("HTTP/1.1 400", StringComparison.Ordinal)..]);

        // A control character the server decodes and lets through is refused by the application with the same code.
        AssertPathProblem(await RawAsync(server.Port, "GET /api/v1/insured/%1B HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    }

    private static void AssertPathProblem(string response)
    {
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", response, StringComparison.Ordinal);
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = response[..split];
        Assert.Contains("Content-Type: application/problem+json", headers, StringComparison.Ordinal);
        var body = response[(split + 4)..];
        if (!headers.Contains("Content-Length", StringComparison.Ordinal))
        {
            body = body[(body.IndexOf("\r\n", StringComparison.Ordinal) + 2)..body.LastIndexOf("\r\n0\r\n", StringComparison.Ordinal)]; // one chunk
        }
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(ErrorCodes.ApiPathInvalid, json.GetProperty("code").GetString());
        Assert.Equal(400, json.GetProperty("status").GetInt32());
        Assert.Contains("Nullzeichen", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task<string> RawAsync(int port, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, Ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), Ct);
        using var response = new MemoryStream();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                response.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            // A kept-alive connection stays open; what arrived is the answer.
        }
        return Encoding.UTF8.GetString(response.ToArray());
    }
}
