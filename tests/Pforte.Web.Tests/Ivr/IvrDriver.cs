using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Ivr;
using Pforte.Web.Tests.MachineAuth;

namespace Pforte.Web.Tests.Ivr;

/// <summary>Drives the dialogue's state machine (<see cref="IvrDialogue"/>) on the harness's host, one scope per turn like one request.</summary>
internal sealed class IvrDriver(MachineAuthHarness h)
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public MachineAuthHarness Harness { get; } = h;

    /// <summary>The IVR client's id (the harness created it as "ivr").</summary>
    public async Task<Guid> ClientIdAsync() => await Harness.WithDbAsync(db => db.ApiClients.Where(c => c.Name == "ivr").Select(c => c.Id).SingleAsync(Ct));

    private static AuditContext Context(Guid client) => new(ActorKind.Client, $"client:{client}", Channel: "phone", SourceIp: "10.1.2.3");

    public async Task<Result<IvrTurn>> StartAsync(string callId, string? callerId = "+4964211234567")
    {
        var client = await ClientIdAsync();
        await using var scope = Harness.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IvrDialogue>().StartAsync(Harness.Kasse.Id, client, new IvrCallStart(callId, callerId, "+498001234567"), Context(client), Ct);
    }

    public async Task<Result<IvrTurn>> SendAsync(string callId, string kind, string? value = null)
    {
        var client = await ClientIdAsync();
        await using var scope = Harness.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IvrDialogue>().InputAsync(Harness.Kasse.Id, client, callId, new IvrInput(kind, value), Context(client), Ct);
    }

    public Task<Result<IvrTurn>> KeysAsync(string callId, string digits) => SendAsync(callId, IvrInputKinds.Dtmf, digits);

    /// <summary>The insurance number as keyed on a phone: the letter's position as two digits, then the nine digits.</summary>
    public static string Keyed(string kvnr) => ((kvnr[0] - 'A') + 1).ToString("00", System.Globalization.CultureInfo.InvariantCulture) + kvnr[1..];

    /// <summary>KVNR, read-back confirmed, card digits, code: the whole dialogue; returns the last turn.</summary>
    public async Task<IvrTurn> DialogueAsync(string callId, MachineAuthHarness.Person person, string code, string? card = null)
    {
        Assert.Equal("kvnr-confirm", (await KeysAsync(callId, Keyed(person.Kvnr))).Value.Collect!.Field);
        Assert.Equal("card", (await KeysAsync(callId, "1")).Value.Collect!.Field);
        Assert.Equal("code", (await KeysAsync(callId, card ?? person.Card[^10..])).Value.Collect!.Field);
        return (await KeysAsync(callId, code)).Value;
    }

    public async Task<IvrCall> CallAsync(string callId) =>
        await Harness.WithDbAsync(db => db.IvrCalls.AsNoTracking().SingleAsync(c => c.CallId == callId, Ct));

    public async Task<List<AuditEntry>> AuditAsync(params AuditAction[] actions) =>
        await Harness.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => actions.Contains(e.Action)).OrderBy(e => e.Id).ToListAsync(Ct));

    public static string[] PromptIds(IvrTurn turn) => [.. turn.Prompts.Select(p => p.Id)];
}
