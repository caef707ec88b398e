using Microsoft.AspNetCore.Mvc.RazorPages;
using Pforte.Core.Common;

namespace Pforte.Portal.Accounts;

/// <summary>What the account pages share: their list of errors, shown in the summary and at each field.</summary>
public abstract class AccountPageModel : PageModel
{
    public List<FieldError> Errors { get; } = [];

    public string? ErrorFor(string field) => Errors.FirstOrDefault(e => e.Field == field)?.Message;

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
                Add(field, new Error(ErrorCodes.AccountFieldRequired, label));
            }
        }
        return Errors.Count == 0;
    }

    /// <summary>The field a refusal of the machine procedure's input belongs to.</summary>
    protected static string? FieldOf(Error error, string kvnrField, string cardField, string codeField)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code switch
        {
            _ when error.Code.StartsWith("PF-KVNR-", StringComparison.Ordinal) => kvnrField,
            ErrorCodes.MachineAuthCardFormat => cardField,
            _ when error.Code.StartsWith("PF-CARD-", StringComparison.Ordinal) => cardField,
            ErrorCodes.MachineAuthCodeFormat or ErrorCodes.AccountActivationCodeFormat => codeField,
            _ => null,
        };
    }
}
