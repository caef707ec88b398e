using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Pforte.Core.Disclosure;
using Pforte.Core.Mailbox;
using Pforte.Core.Mailbox.Attachments;
using Pforte.Core.Portal;
using Pforte.Portal.Mailbox;

namespace Pforte.Portal.Areas.Portal.Pages.Postfach;

/// <summary>A new message to the Kasse: topic, subject, text and up to five files (ADR 0019, ADR 0020).</summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
public sealed class NeuModel(PersonMailbox mailbox, IOptions<AttachmentLimits> limits, IOptions<MailboxOptions> options, PortalRepresentation representation)
    : MailboxFormPageModel(limits, options, representation)
{
    protected override string BodyLabel => Texts.Mailbox["BodyLabel"];

    [BindProperty(Name = "thema")]
    public string? Topic { get; set; }

    [BindProperty(Name = "betreff")]
    public string? Subject { get; set; }

    /// <summary>The topics this login may write about, and the ones it may not (named, so the person knows why).</summary>
    public IReadOnlyList<string> Topics { get; private set; } = [];

    public IReadOnlyList<string> LockedTopics { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var (actor, stop) = await MailboxActorAsync();
        if (actor is null)
        {
            return stop!;
        }
        await LoadTopicsAsync(actor);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (actor, stop) = await MailboxActorAsync();
        if (actor is null)
        {
            return stop!;
        }
        var files = await PostedFilesAsync();
        var started = await mailbox.StartAsync(actor, Topic, Subject, Body, files, HttpContext.RequestAborted);
        if (started.TryGetValue(out var threadId, out var error))
        {
            return Redirect($"/portal/postfach/{threadId}?erledigt=gesendet");
        }
        Errors.Add(ToField(error));
        await LoadTopicsAsync(actor);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task LoadTopicsAsync(MailboxActor actor)
    {
        Topics = await mailbox.WritableTopicsAsync(actor, HttpContext.RequestAborted);
        LockedTopics = [.. RequestKinds.All.Where(k => k != RequestKinds.PortalRegistration && !Topics.Contains(k))];
    }
}
