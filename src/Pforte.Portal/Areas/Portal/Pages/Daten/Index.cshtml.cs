using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pforte.Core.SelfService;

namespace Pforte.Portal.Areas.Portal.Pages.Daten;

/// <summary>"Meine Daten": the master data of the signed-in (or represented) person, and where to change what may be changed.</summary>
[Authorize(Policy = PortalAuth.PersonPolicy)]
public sealed class IndexModel(GetMyData myData) : PageModel
{
    private static readonly Dictionary<string, string> Messages = new(StringComparer.Ordinal)
    {
        ["anschrift"] = "DoneAddress",
        ["umzug"] = "DoneAddressScheduled",
        ["bank"] = "DoneBank",
        ["email"] = "DoneEmail",
    };

    public MyData Data { get; private set; } = null!;

    public string? Done { get; private set; }

    public async Task OnGetAsync(string? erledigt)
    {
        var actor = PortalActor.From(User)!;
        Data = await myData.ExecuteAsync(actor.KasseId, actor.SubjectPersonId, HttpContext.RequestAborted);
        Done = erledigt is not null && Messages.TryGetValue(erledigt, out var key) ? Texts.Daten[key] : null;
    }

    public static string Date(DateOnly date) => date.ToString("dd.MM.yyyy", TextSet.German);
}
