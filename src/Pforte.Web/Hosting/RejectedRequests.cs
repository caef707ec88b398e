using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Pforte.Core.Common;

namespace Pforte.Web.Hosting;

/// <summary>
/// Requests that are not valid HTTP get problem details too (PF-API-016), never an empty 400.
/// <list type="bullet">
/// <item>A path the server decoded but that holds control characters (<c>%0A</c>, <c>%1B</c>) is refused by a
/// middleware before anything else runs.</item>
/// <item>Kestrel refuses some requests itself before the application sees them (a <c>%00</c> in the path, control
/// characters in the request line or in headers) and answers with a bare <c>400</c> and <c>Content-Length: 0</c>.
/// A connection middleware replaces exactly that answer by our problem. Every 400 the application writes has a
/// body, so the bare one can only be Kestrel's. It works on plain HTTP/1.1 – how Pforte runs behind its reverse
/// proxy; where Kestrel itself terminates TLS, the bytes it sees are encrypted and it changes nothing.</item>
/// </list>
/// </summary>
public static class RejectedRequests
{
    public static WebApplicationBuilder UsePforteRejectedRequests(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.ConfigureKestrel(o => o.ConfigureEndpointDefaults(listen => listen.Use(next => connection => RewriteAsync(connection, next))));
        return builder;
    }

    public static WebApplication UsePforteRequestPathCheck(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) => context.Request.Path.Value?.Any(char.IsControl) == true
            ? ProblemResults.WriteAsync(context, StatusCodes.Status400BadRequest, new Error(ErrorCodes.ApiPathInvalid))
            : next(context));
        return app;
    }

    private static readonly byte[] KestrelBadRequest = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"u8.ToArray();
    private static readonly byte[] EndOfHeaders = "\r\n\r\n"u8.ToArray();

    /// <summary>The answer in place of Kestrel's bare 400: the same problem details the application writes.</summary>
    public static byte[] Response()
    {
        var id = Guid.NewGuid().ToString("N");
        var problem = ProblemResults.Create(StatusCodes.Status400BadRequest, new Error(ErrorCodes.ApiPathInvalid));
        problem.Extensions["traceId"] = id;
        problem.Extensions["correlationId"] = id;
        var body = JsonSerializer.SerializeToUtf8Bytes(problem, JsonSerializerOptions.Web);
        var head = "HTTP/1.1 400 Bad Request\r\n" +
                   "Content-Type: application/problem+json\r\n" +
                   $"Content-Length: {body.Length}\r\n" +
                   "Connection: close\r\n" +
                   $"{CorrelationId.HeaderName}: {id}\r\n" +
                   "X-Content-Type-Options: nosniff\r\n" +
                   $"Content-Security-Policy: {SecurityHeaders.ApiPolicy}\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    private static async Task RewriteAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var transport = connection.Transport;
        var output = new Pipe();
        connection.Transport = new DuplexPipe(transport.Input, output.Writer);
        var pump = PumpAsync(output.Reader, transport.Output);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            await output.Writer.CompleteAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            connection.Transport = transport;
        }
    }

    /// <summary>Copies what Kestrel writes to the connection, replacing its bare 400 (headers only, no body).</summary>
    private static async Task PumpAsync(PipeReader reader, PipeWriter writer)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = Copy(buffer, writer);
                reader.AdvanceTo(consumed, buffer.End);
                await writer.FlushAsync().ConfigureAwait(false);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or ConnectionResetException or InvalidOperationException)
        {
            // The client went away: nothing left to write to.
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Kestrel writes its bare 400 (headers only) in one flush, so it arrives whole in one read. Nothing is held back:
    /// should it ever arrive split, it passes on unchanged rather than delaying any answer.
    /// </summary>
    private static SequencePosition Copy(ReadOnlySequence<byte> buffer, PipeWriter writer)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (reader.TryReadTo(out ReadOnlySequence<byte> before, KestrelBadRequest, advancePastDelimiter: false))
        {
            var headers = new SequenceReader<byte>(buffer.Slice(before.End));
            if (headers.TryReadTo(out ReadOnlySequence<byte> _, EndOfHeaders, advancePastDelimiter: true))
            {
                Write(before, writer);
                writer.Write(Response());
                return headers.Position;
            }
        }
        Write(buffer, writer);
        return buffer.End;
    }

    private static void Write(ReadOnlySequence<byte> bytes, PipeWriter writer)
    {
        foreach (var segment in bytes)
        {
            writer.Write(segment.Span);
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
