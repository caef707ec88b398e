using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pforte.Core.Portal;

namespace Pforte.Portal.History;

/// <summary>
/// A signed-in page that shows the data of the person — or of the represented person while acting for one, after
/// checking the representation again: overview, history, letters.
/// </summary>
public abstract class SubjectPageModel(PortalRepresentation representation) : PageModel
{
    /// <summary>Why the page cannot show what was asked (shown in an alert instead of the content).</summary>
    public string? Error { get; private set; }

    /// <summary>The represented person's name while acting for one.</summary>
    public string? ActingForName { get; private set; }

    /// <summary>The subject, or the result to answer with (sign-in needed, representation no longer valid).</summary>
    protected async Task<(PortalSubject? Subject, IActionResult? Stop)> SubjectAsync()
    {
        if (await PortalSubject.ResolveAsync(HttpContext, representation, PortalRepresentation.ViewRequestKind, ViewData) is not { } resolved)
        {
            return (null, Challenge(PortalAuth.Scheme));
        }
        if (!resolved.TryGetValue(out var subject, out var refused))
        {
            return (null, Refuse(refused.Message, StatusCodes.Status403Forbidden));
        }
        ActingForName = subject.Acting?.Name;
        return (subject, null);
    }

    /// <summary>Reading for someone is acting for them: audited on their record ("X für Y", 7007).</summary>
    protected Task RecordViewAsync(PortalSubject subject, string page)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return subject.Acting is { } acting
            ? representation.RecordViewAsync(subject.KasseId, acting, subject.Actor.PersonId, page, subject.SourceIp, subject.Actor.SessionId.ToString(), HttpContext.RequestAborted)
            : Task.CompletedTask;
    }

    protected PageResult Refuse(string message, int status)
    {
        Error = message;
        Response.StatusCode = status;
        return Page();
    }
}
