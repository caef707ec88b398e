using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Workspace;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Anrufer;

/// <summary>
/// Screen pop by server-sent events: <c>GET /arbeitsplatz/anrufer/ereignisse?call=ID</c> waits until the call is
/// verified in the staff member's Kasse (<see cref="CallPop.WatchAsync"/>: one indexed read every 250 ms, so any web
/// process sees what another wrote) and sends one event <c>verified</c> with the card's address and the sentence "Verifiziert, Niveau hoch, 14:02 über IVR" — no name, no code,
/// nothing secret. A comment every 15 s keeps the connection open; the stream ends after the event or after 10 minutes.
/// </summary>
[Authorize(Policy = WorkspacePolicies.Caller)]
public sealed class EreignisseModel : WorkspacePageModel
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);

    protected override string AuditChannel => WorkspaceChannels.Phone;

    public async Task<IActionResult> OnGetAsync(string? call, CancellationToken cancellationToken)
    {
        if (!CallPop.ParseCallId(call).TryGetValue(out var callId, out var error))
        {
            return BadRequest(error.Message);
        }
        var pop = HttpContext.RequestServices.GetRequiredService<CallPop>();
        var kasse = Staff.KasseId;
        Response.ContentType = "text/event-stream; charset=utf-8";
        Response.Headers.CacheControl = "no-cache, no-store";
        Response.Headers["X-Accel-Buffering"] = "no";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(MaxWait);
        await Response.WriteAsync("retry: 1000\n\n", cancellationToken);
        await Response.Body.FlushAsync(cancellationToken);
        try
        {
            await foreach (var found in pop.WatchAsync(kasse, callId, Heartbeat, timeout.Token))
            {
                if (found is null)
                {
                    await Response.WriteAsync(": warten\n\n", timeout.Token);
                }
                else
                {
                    var href = IndexModel.Path + "?call=" + Uri.EscapeDataString(callId) + "&person=" + found.PersonId.ToString("D", CultureInfo.InvariantCulture);
                    await Response.WriteAsync("event: verified\ndata: " + System.Text.Json.JsonSerializer.Serialize(new { href, text = Agent.AgentDisplay.Verified(found) + " – " + WorkspaceTexts.Agent["WaitingVerified"] }) + "\n\n", timeout.Token);
                }
                await Response.Body.FlushAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            // The agent closed the page, or the wait ended; the browser reconnects if the page is still open.
        }
        return new EmptyResult();
    }
}
