using Microsoft.AspNetCore.Mvc.RazorPages;
using Pforte.Core.Common;

namespace Pforte.Portal;

/// <summary>
/// What pages with forms share, in the portal and in the workspace: their list of errors, shown in the summary
/// (partial <c>_ErrorSummary</c>) and at each field (partial <c>_Field</c>).
/// </summary>
public abstract class FormPageModel : PageModel
{
    public List<FieldError> Errors { get; } = [];

    public string? ErrorFor(string field) => Errors.FirstOrDefault(e => e.Field == field)?.Message;

    /// <summary>The code of "Bitte füllen Sie das Feld „{0}“ aus." on this surface.</summary>
    protected virtual string FieldRequiredCode => ErrorCodes.AccountFieldRequired;

    /// <summary>Adds a Core refusal at the field it belongs to (null: the whole form).</summary>
    protected void Add(string? field, Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Errors.Add(new FieldError(field, error.Message));
    }

    /// <summary>"Bitte füllen Sie das Feld … aus." for every empty required field; true when none is empty.</summary>
    protected bool Required(params (string Field, string Label, string? Value)[] fields)
    {
        foreach (var (field, label, value) in fields)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Add(field, new Error(FieldRequiredCode, label));
            }
        }
        return Errors.Count == 0;
    }
}
