using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Pforte.Core.Authentication;
using Pforte.Core.Workspace;
using Pforte.Workspace.Agent;

namespace Pforte.Workspace.Areas.Arbeitsplatz.Pages.Anrufer;

/// <summary>
/// The caller screen (phone agent): take a call by its id (screen pop), find the person, the caller card with the
/// guidance, knowledge questions inline, the flag, code status and re-issue (ADR 0025).
/// </summary>
[Authorize(Policy = WorkspacePolicies.Caller)]
public sealed class IndexModel : PersonScreenModel
{
    public const string Path = WorkspacePaths.Caller;

    public override string PagePath => Path;

    protected override string AuditChannel => WorkspaceChannels.Phone;

    [BindProperty]
    public string? TakeCallId { get; set; }

    [BindProperty]
    public Guid? RoundId { get; set; }

    [BindProperty]
    public Dictionary<string, string?> Answers { get; set; } = [];

    /// <summary>The questions drawn just now (texts only; the values stay in Core).</summary>
    public QuestionRound? Round { get; private set; }

    /// <summary>True while the screen waits for the IVR to verify <see cref="PersonScreenModel.CallId"/>.</summary>
    public bool Waiting { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (CallId is not null)
        {
            if (!CallPop.ParseCallId(CallId).TryGetValue(out var call, out var error))
            {
                Add("TakeCallId", error);
                CallId = null;
            }
            else if (PersonId is null)
            {
                // Screen pop: the IVR verified this call already → its person; otherwise wait (event stream or "Aktualisieren").
                var found = await Use<CallPop>().FindAsync(Staff.KasseId, call, cancellationToken);
                PersonId = found?.PersonId;
                Waiting = found is null;
            }
        }
        await LoadCardAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostTakeCallAsync(CancellationToken cancellationToken)
    {
        var taken = await Use<CallPop>().TakeAsync(Staff.KasseId, TakeCallId, Audit, cancellationToken);
        if (!taken.TryGetValue(out var found, out var error))
        {
            Add("TakeCallId", error);
            return Page();
        }
        return Redirect(Link(found?.PersonId, null, CallPop.ParseCallId(TakeCallId).Value));
    }

    public async Task<IActionResult> OnPostDrawAsync(CancellationToken cancellationToken)
    {
        if (await KvnrAsync(cancellationToken) is not { } kvnr)
        {
            return Redirect(PagePath);
        }
        var drawn = await Use<PhoneQuestionRounds>().DrawAsync(Staff.KasseId, kvnr, new Performer(WorkspaceStaff.NoClient, Staff.StaffId), CallAudit, cancellationToken);
        if (drawn.TryGetValue(out var round, out var error))
        {
            Round = round;
        }
        else
        {
            Add(null, error);
        }
        await LoadCardAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAnswerAsync(CancellationToken cancellationToken)
    {
        if (PersonId is null || RoundId is not { } roundId)
        {
            return Redirect(PagePath);
        }
        var outcome = await Use<PhoneQuestionRounds>().AnswerAsync(Staff.KasseId, roundId, Answers, new Performer(WorkspaceStaff.NoClient, Staff.StaffId), CallAudit, cancellationToken);
        // The answers typed are never shown again, right or wrong.
        Answers = [];
        ModelState.Clear();
        if (outcome.Authentication is { } authentication)
        {
            return Redirect(Link(PersonId, authentication.Id, CallId, "questions-passed"));
        }
        Add(null, outcome.Error!);
        await LoadCardAsync(cancellationToken);
        return Page();
    }

    /// <summary>The audit context with the call id as source: a round answered right is bound to this call.</summary>
    private Pforte.Core.Audit.AuditContext CallAudit =>
        CallId is not null && CallPop.ParseCallId(CallId).TryGetValue(out var call, out _) ? Audit with { SourceCallId = call } : Audit;
}
